package dev.airlock.proxy.policy;

/** What a {@code GENERIC}-confidence finding does: recorded in the audit log, or blocked like a certain one. */
public enum GenericAction {
    LOG, BLOCK
}
