"""The ports services talk to, a module per subsystem (Protocols the adapters implement by subclassing).

Where a record lives: what a single port reads or returns for its use case (a snapshot, a page, a position)
is defined beside that port; the stored shapes, which several ports and services share, are in
`streak_core.models`; rules are in `streak_core.domain`."""
