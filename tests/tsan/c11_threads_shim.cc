// C11 <threads.h> functions implemented on POSIX threads, for
// ThreadSanitizer runs only (KSTREAMS_SANITIZE=thread).
//
// Why: Debian 12's librdkafka 2.0.2 creates its threads and locks its
// mutexes through glibc's C11 threads (thrd_create, mtx_lock, cnd_timedwait,
// ...). GCC 12's and clang 14's TSan runtimes intercept the pthread_*
// functions but not these, so every librdkafka thread is unknown to TSan and
// the first client creation crashes inside the TSan runtime. This library
// defines the C11 functions librdkafka uses (and their close relatives) as
// thin wrappers over pthread_*, which TSan does intercept. Linked into a
// test executable ahead of libc (it is a DT_NEEDED entry of the executable),
// it interposes glibc's definitions for every library of the process, so
// librdkafka's threads, mutexes and condition variables become visible to
// TSan: its synchronisation is then seen, and races across our code and
// librdkafka's threads are reported like any other.
//
// Layout: glibc implements C11 threads on top of pthreads with the same
// object layouts (thrd_t is pthread_t; mtx_t, cnd_t and once_flag are unions
// of the size of pthread_mutex_t, pthread_cond_t and pthread_once_t), so the
// objects can be handed to pthread_* as they are. Unversioned definitions
// satisfy librdkafka's versioned references (thrd_create@GLIBC_2.34), as for
// any LD_PRELOAD-style interposition.
//
// Not for production builds: it exists only so that TSan can observe
// librdkafka.
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <stdlib.h>
#include <time.h>

namespace {

// <threads.h> return codes and mutex types (glibc's values).
constexpr int kThrdSuccess = 0;
constexpr int kThrdBusy = 1;
constexpr int kThrdError = 2;
constexpr int kThrdNomem = 3;
constexpr int kThrdTimedout = 4;
constexpr int kMtxRecursive = 1;

using ThrdStart = int (*)(void*);

struct Start {
  ThrdStart func;
  void* arg;
};

void* Trampoline(void* p) {
  Start start = *static_cast<Start*>(p);
  free(p);
  return reinterpret_cast<void*>(static_cast<intptr_t>(start.func(start.arg)));
}

int FromErrno(int err) {
  switch (err) {
    case 0: return kThrdSuccess;
    case EBUSY: return kThrdBusy;
    case ETIMEDOUT: return kThrdTimedout;
    case ENOMEM: return kThrdNomem;
    default: return kThrdError;
  }
}

}  // namespace

extern "C" {

int thrd_create(pthread_t* thr, ThrdStart func, void* arg) {
  auto* start = static_cast<Start*>(malloc(sizeof(Start)));
  if (start == nullptr) return kThrdNomem;
  start->func = func;
  start->arg = arg;
  int err = pthread_create(thr, nullptr, Trampoline, start);
  if (err != 0) {
    free(start);
    return err == EAGAIN ? kThrdNomem : kThrdError;
  }
  return kThrdSuccess;
}

int thrd_join(pthread_t thr, int* res) {
  void* ret = nullptr;
  if (pthread_join(thr, &ret) != 0) return kThrdError;
  if (res != nullptr) *res = static_cast<int>(reinterpret_cast<intptr_t>(ret));
  return kThrdSuccess;
}

int thrd_detach(pthread_t thr) { return pthread_detach(thr) == 0 ? kThrdSuccess : kThrdError; }
pthread_t thrd_current(void) { return pthread_self(); }
int thrd_equal(pthread_t a, pthread_t b) { return pthread_equal(a, b); }
void thrd_yield(void) { sched_yield(); }
[[noreturn]] void thrd_exit(int res) {
  pthread_exit(reinterpret_cast<void*>(static_cast<intptr_t>(res)));
}

int mtx_init(pthread_mutex_t* m, int type) {
  pthread_mutexattr_t attr;
  pthread_mutexattr_init(&attr);
  if (type & kMtxRecursive) pthread_mutexattr_settype(&attr, PTHREAD_MUTEX_RECURSIVE);
  int err = pthread_mutex_init(m, &attr);
  pthread_mutexattr_destroy(&attr);
  return FromErrno(err);
}
int mtx_lock(pthread_mutex_t* m) { return FromErrno(pthread_mutex_lock(m)); }
int mtx_trylock(pthread_mutex_t* m) { return FromErrno(pthread_mutex_trylock(m)); }
int mtx_timedlock(pthread_mutex_t* m, const struct timespec* abs) {
  return FromErrno(pthread_mutex_timedlock(m, abs));
}
int mtx_unlock(pthread_mutex_t* m) { return FromErrno(pthread_mutex_unlock(m)); }
void mtx_destroy(pthread_mutex_t* m) { pthread_mutex_destroy(m); }

int cnd_init(pthread_cond_t* c) { return FromErrno(pthread_cond_init(c, nullptr)); }
int cnd_signal(pthread_cond_t* c) { return FromErrno(pthread_cond_signal(c)); }
int cnd_broadcast(pthread_cond_t* c) { return FromErrno(pthread_cond_broadcast(c)); }
int cnd_wait(pthread_cond_t* c, pthread_mutex_t* m) { return FromErrno(pthread_cond_wait(c, m)); }
int cnd_timedwait(pthread_cond_t* c, pthread_mutex_t* m, const struct timespec* abs) {
  return FromErrno(pthread_cond_timedwait(c, m, abs));
}
void cnd_destroy(pthread_cond_t* c) { pthread_cond_destroy(c); }

void call_once(pthread_once_t* flag, void (*func)(void)) { pthread_once(flag, func); }

}  // extern "C"
