package dev.airlock.scan.validate;

import dev.airlock.scan.SecretValidator;
import java.util.Locale;

/**
 * Rejects values that name where a secret comes from rather than being one: environment lookups
 * ({@code os.environ[...]}, {@code process.env.X}, {@code System.getenv}), code ({@code this.password},
 * {@code config.get(...)}), constant names ({@code DB_PASSWORD}), file paths and URLs, public keys and
 * certificates, and data URIs.
 */
public final class NotReference implements SecretValidator {
    private static final String[] PREFIXES = {"process.env", "os.environ", "os.getenv", "system.getenv",
        "system.getproperty", "env.", "env[", "env(", "getenv", "config.", "settings.", "self.", "this.", "secrets.",
        "vars.", "params.", "props.", "request.", "args.", "/", "./", "../", "~/", "file:", "data:", "http:", "https:",
        "vault:", "arn:", "ref+", "ssh-rsa", "ssh-ed25519", "ecdsa-sha2", "ssh-dss", "-----begin public",
        "-----begin certificate", "aaaab3nzac1yc2", "aaaac3nzac1lzdi1nte5", "aaaae2vjzhnh"};

    @Override
    public boolean accepts(CharSequence secret) {
        String s = secret.toString();
        String lower = s.toLowerCase(Locale.ROOT);
        for (String prefix : PREFIXES) {
            if (lower.startsWith(prefix)) {
                return false;
            }
        }
        if (s.indexOf('(') >= 0 || s.indexOf(')') >= 0 || s.contains("::") || s.contains("->")) {
            return false;
        }
        return !isConstantName(s) && !isIdentifierPath(s) && !isFileName(lower);
    }

    /** {@code DB_PASSWORD}, {@code GITHUB_TOKEN_2}: an upper-case name with underscores. */
    private static boolean isConstantName(String s) {
        boolean underscore = false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '_') {
                underscore = true;
            } else if (!(c >= 'A' && c <= 'Z') && !(c >= '0' && c <= '9')) {
                return false;
            }
        }
        return underscore;
    }

    /** {@code config.db.password}, {@code $.auth.token}: dotted identifiers. */
    private static boolean isIdentifierPath(String s) {
        String[] parts = s.split("\\.", -1);
        if (parts.length < 2) {
            return false;
        }
        for (String part : parts) {
            if (part.isEmpty() || !Character.isJavaIdentifierStart(part.charAt(0))) {
                return false;
            }
            for (int i = 1; i < part.length(); i++) {
                if (!Character.isJavaIdentifierPart(part.charAt(i))) {
                    return false;
                }
            }
        }
        return true;
    }

    private static final String[] FILE_EXTENSIONS = {".json", ".pem", ".key", ".txt", ".yaml", ".yml", ".env", ".p12",
        ".jks", ".crt", ".properties", ".conf", ".cfg", ".xml", ".toml", ".ini", ".js", ".ts", ".py", ".java", ".html"};

    private static boolean isFileName(String lower) {
        for (String ext : FILE_EXTENSIONS) {
            if (lower.endsWith(ext)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public String name() {
        return "not-reference";
    }
}
