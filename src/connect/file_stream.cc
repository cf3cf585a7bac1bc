namespace kstreams::connect {
void RegisterBuiltinConnectors() {}
}  // namespace kstreams::connect
