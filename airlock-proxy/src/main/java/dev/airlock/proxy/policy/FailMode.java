package dev.airlock.proxy.policy;

/** What happens when a scan cannot give an answer (error, timeout, byte budget). Closed unless the operator says otherwise. */
public enum FailMode {
    CLOSED, OPEN
}
