"""The local stack: real emulators and the served functions on free ports, started and stopped by PID."""
