package dev.airlock.scan.gitleaks;

import dev.airlock.scan.ScanException;

/** A gitleaks config that cannot be imported; the message names the rule and the reason. */
public final class GitleaksImportException extends ScanException {
    public GitleaksImportException(String message) {
        super(message);
    }
}
