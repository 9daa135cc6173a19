package dev.airlock.drop.snapshot;

/** The only kinds of entry a snapshot may hold. Devices, FIFOs, sockets and hardlinks have no representation. */
public enum EntryType {
    FILE, DIRECTORY, SYMLINK
}
