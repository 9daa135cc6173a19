package dev.airlock.core.event;

/** What kind of boundary refused an operation. */
public enum DenialKind {
    NETWORK, FILESYSTEM, SYSCALL, RESOURCE, POLICY
}
