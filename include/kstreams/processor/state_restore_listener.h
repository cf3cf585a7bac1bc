// kstreams/processor/state_restore_listener.h
//
// StateRestoreListener: progress of state store restoration (Java's
// org.apache.kafka.streams.processor.StateRestoreListener). When a task is
// assigned to a stream thread, each of its logged stores is brought up to
// date from its changelog topic before the task processes anything; the
// listener set with KafkaStreams::SetGlobalStateRestoreListener hears about
// every changelog partition restored, as in Kafka Streams:
//
//   OnRestoreStart   once per store and changelog partition, also when there
//                    is nothing to restore (starting_offset == ending_offset);
//   OnBatchRestored  after each batch written into the store;
//   OnRestoreEnd     when the store reached the changelog's end offset.
//
// Offsets: `starting_offset` is the first offset read (the checkpointed
// offset + 1, or the changelog's first offset when the store restores from
// the beginning); `ending_offset` is the changelog's end offset when the
// restoration started (exclusive: the offset the next record would get);
// `batch_end_offset` is the offset of the last record in the batch.
//
// Thread-safety: the methods are called from every stream thread of the
// instance, possibly at the same time: an implementation must be
// thread-safe. They run on the restoring thread, between polls, so they must
// be quick. An exception thrown from one fails that stream thread.
//
// Example:
//
//   class Progress : public kstreams::StateRestoreListener {
//    public:
//     void OnRestoreEnd(const kstreams::TopicPartition& tp, const std::string& store,
//                       int64_t total) override {
//       std::lock_guard<std::mutex> lock(mu_);
//       restored_[store] += total;
//     }
//    private:
//     std::mutex mu_;
//     std::map<std::string, int64_t> restored_;
//   };
//   streams.SetGlobalStateRestoreListener(std::make_shared<Progress>());
#ifndef KSTREAMS_PROCESSOR_STATE_RESTORE_LISTENER_H_
#define KSTREAMS_PROCESSOR_STATE_RESTORE_LISTENER_H_

#include <cstdint>
#include <string>

#include "kstreams/topic_partition.h"

namespace kstreams {

class StateRestoreListener {
 public:
  virtual ~StateRestoreListener() = default;
  virtual void OnRestoreStart(const TopicPartition& topic_partition, const std::string& store_name,
                              int64_t starting_offset, int64_t ending_offset) {
    (void)topic_partition, (void)store_name, (void)starting_offset, (void)ending_offset;
  }
  virtual void OnBatchRestored(const TopicPartition& topic_partition,
                               const std::string& store_name, int64_t batch_end_offset,
                               int64_t num_restored) {
    (void)topic_partition, (void)store_name, (void)batch_end_offset, (void)num_restored;
  }
  virtual void OnRestoreEnd(const TopicPartition& topic_partition, const std::string& store_name,
                            int64_t total_restored) {
    (void)topic_partition, (void)store_name, (void)total_restored;
  }
};

}  // namespace kstreams

#endif  // KSTREAMS_PROCESSOR_STATE_RESTORE_LISTENER_H_
