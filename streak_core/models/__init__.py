"""The stored shapes of the system's data (pure dataclasses), a module per subsystem: what documents hold,
shared by services, ports and adapters. What one port reads or returns for its use case lives beside it."""
