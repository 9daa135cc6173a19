package dev.airlock.drop.snapshot;

import dev.airlock.drop.snapshot.Violation.PathProblem;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.text.Normalizer;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Locale;

/**
 * The path rules of a snapshot, by hand (no regular expressions on attacker-written names). A valid path is
 * relative, '/'-separated, NFC, has no empty, '.', '..' or '.git' component, no NUL, control character or
 * backslash, and fits the byte caps.
 */
public final class SnapshotPaths {
    /** Where the manifest travels inside the archive; no workspace path may use this name. */
    public static final String MANIFEST_ENTRY = ".airlock-manifest.json";
    /** Where a delta snapshot's manifest travels instead (see {@link ManifestDelta}); also reserved. */
    public static final String MANIFEST_DELTA_ENTRY = ".airlock-manifest-delta.json";

    private SnapshotPaths() {
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** Returns the problem with {@code path}, or null if it is a valid snapshot path. */
    public static Violation check(String path, int maxPathBytes) {
        if (path == null || path.isEmpty()) {
            return new Violation.UnsafePath(String.valueOf(path), PathProblem.EMPTY);
        }
        int bytes = utf8(path).length;
        if (bytes > maxPathBytes) {
            return new Violation.LimitExceeded(Violation.Limit.PATH_LENGTH, bytes, maxPathBytes,
                    path.substring(0, Math.min(path.length(), 64)) + "…");
        }
        if (path.charAt(0) == '/') {
            return new Violation.UnsafePath(path, PathProblem.ABSOLUTE);
        }
        for (int i = 0; i < path.length(); i++) {
            char c = path.charAt(i);
            if (c == 0) {
                return new Violation.UnsafePath(path, PathProblem.NUL);
            }
            if (c == '\\') {
                return new Violation.UnsafePath(path, PathProblem.BACKSLASH);
            }
            if (Character.isISOControl(c)) {
                return new Violation.UnsafePath(path, PathProblem.CONTROL);
            }
            if (Character.isSurrogate(c) && !(Character.isHighSurrogate(c) && i + 1 < path.length()
                    && Character.isLowSurrogate(path.charAt(i + 1)))) {
                if (!(Character.isLowSurrogate(c) && i > 0 && Character.isHighSurrogate(path.charAt(i - 1)))) {
                    return new Violation.UnsafePath(path, PathProblem.NOT_UTF8);
                }
            }
        }
        if (path.length() >= 2 && Character.isLetter(path.charAt(0)) && path.charAt(1) == ':') {
            return new Violation.UnsafePath(path, PathProblem.ABSOLUTE);
        }
        if (!Normalizer.isNormalized(path, Normalizer.Form.NFC)) {
            return new Violation.UnsafePath(path, PathProblem.NOT_NFC);
        }
        int start = 0;
        while (start <= path.length()) {
            int slash = path.indexOf('/', start);
            int end = slash < 0 ? path.length() : slash;
            String component = path.substring(start, end);
            if (component.isEmpty()) {
                return new Violation.UnsafePath(path, PathProblem.EMPTY);
            }
            if (component.equals(".") || component.equals("..")) {
                return new Violation.UnsafePath(path, PathProblem.TRAVERSAL);
            }
            if (isGitName(component)) {
                return new Violation.UnsafePath(path, PathProblem.GIT_METADATA);
            }
            if (utf8(component).length > 255) {
                return new Violation.UnsafePath(path, PathProblem.COMPONENT_TOO_LONG);
            }
            if (slash < 0) {
                break;
            }
            start = slash + 1;
        }
        if (path.equals(MANIFEST_ENTRY) || path.equals(MANIFEST_DELTA_ENTRY)) {
            return new Violation.UnsafePath(path, PathProblem.RESERVED);
        }
        return null;
    }

    /** '.git' in any case, with the trailing dots/spaces Windows strips, and the 8.3 short name. */
    static boolean isGitName(String component) {
        String c = component.toLowerCase(Locale.ROOT);
        int end = c.length();
        while (end > 0 && (c.charAt(end - 1) == '.' || c.charAt(end - 1) == ' ')) {
            end--;
        }
        c = c.substring(0, end);
        return c.equals(".git") || c.equals("git~1");
    }

    /** The key two paths collide under on a case-insensitive file system. */
    static String foldKey(String path) {
        boolean ascii = true;
        boolean capitals = false;
        for (int i = 0; i < path.length() && ascii; i++) {
            char c = path.charAt(i);
            ascii = c < 0x80;
            capitals |= c >= 'A' && c <= 'Z';
        }
        if (ascii) {
            // ASCII without capitals folds to itself (no copy); with capitals, upper- then lower-casing ASCII is
            // lower-casing it.
            return capitals ? path.toLowerCase(Locale.ROOT) : path;
        }
        return path.toUpperCase(Locale.ROOT).toLowerCase(Locale.ROOT);
    }

    /**
     * Resolves a symlink target against the link's directory; returns the normalised workspace-relative path, or
     * null if it is absolute or climbs out of the workspace.
     */
    public static String resolveInside(String linkPath, String target) {
        if (target.isEmpty() || target.charAt(0) == '/' || target.indexOf('\0') >= 0 || target.indexOf('\\') >= 0) {
            return null;
        }
        Deque<String> stack = new ArrayDeque<>();
        int cut = linkPath.lastIndexOf('/');
        if (cut > 0) {
            for (String part : linkPath.substring(0, cut).split("/", -1)) {
                stack.addLast(part);
            }
        }
        for (String part : target.split("/", -1)) {
            if (part.isEmpty() || part.equals(".")) {
                continue;
            }
            if (part.equals("..")) {
                if (stack.isEmpty()) {
                    return null;
                }
                stack.removeLast();
            } else {
                if (isGitName(part)) {
                    return null;
                }
                stack.addLast(part);
            }
        }
        return String.join("/", stack);
    }

    /** Decodes strict UTF-8, or returns null. */
    static String decodeUtf8(byte[] raw) {
        try {
            CharBuffer chars = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(raw));
            return chars.toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    /** A path made safe to print: control characters escaped, cut to 200 characters. */
    public static String printable(String path) {
        if (path == null) {
            return "<none>";
        }
        StringBuilder out = new StringBuilder("'");
        for (int i = 0; i < path.length() && i < 200; i++) {
            char c = path.charAt(i);
            if (Character.isISOControl(c)) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        if (path.length() > 200) {
            out.append('…');
        }
        return out.append('\'').toString();
    }
}
