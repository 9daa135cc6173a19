package dev.airlock.git;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectInserter;
import org.eclipse.jgit.lib.ObjectReader;
import org.eclipse.jgit.lib.TreeFormatter;
import org.eclipse.jgit.treewalk.CanonicalTreeParser;

/**
 * Edits a git tree at a few paths: only the trees on the way to an edited path are read and rewritten, every other
 * subtree keeps its id. A phase that changes ten files of a four-thousand-file tree touches a few dozen trees instead
 * of rebuilding an index of every entry. Entries of the base that are not edited (submodules, escaping symlinks the
 * agent never saw) stay as they are. Single use.
 */
final class TreeEditor {
    private static final FileMode DELETE = null;

    private final ObjectReader reader;
    private final ObjectInserter inserter;
    private final Map<String, Leaf> edits = new TreeMap<>();

    private record Leaf(FileMode mode, ObjectId id) {
    }

    TreeEditor(ObjectReader reader, ObjectInserter inserter) {
        this.reader = reader;
        this.inserter = inserter;
    }

    /** Puts a blob (file, executable or symlink) at {@code path}, replacing whatever is there. */
    TreeEditor put(String path, FileMode mode, ObjectId id) {
        edits.put(path, new Leaf(mode, id.copy()));
        return this;
    }

    /** Removes {@code path} (a blob) from the tree. */
    TreeEditor delete(String path) {
        edits.put(path, new Leaf(DELETE, null));
        return this;
    }

    boolean isEmpty() {
        return edits.isEmpty();
    }

    /** Writes the edited tree (and the subtrees it changed) and returns its id; inserter not flushed. */
    ObjectId apply(ObjectId baseTree) throws IOException {
        ObjectId id = edit(baseTree, new TreeMap<>(edits));
        return id != null ? id : inserter.insert(new TreeFormatter());
    }

    /** Returns the new id of {@code tree} (null = absent) after {@code here} (paths relative to it), or null if empty. */
    private ObjectId edit(ObjectId tree, Map<String, Leaf> here) throws IOException {
        Map<String, Leaf> entries = new TreeMap<>();
        if (tree != null) {
            CanonicalTreeParser p = new CanonicalTreeParser(null, reader, tree);
            for (; !p.eof(); p.next()) {
                entries.put(p.getEntryPathString(), new Leaf(p.getEntryFileMode(), p.getEntryObjectId()));
            }
        }
        Map<String, Map<String, Leaf>> below = new TreeMap<>();
        for (Map.Entry<String, Leaf> e : here.entrySet()) {
            String path = e.getKey();
            int slash = path.indexOf('/');
            if (slash < 0) {
                if (e.getValue().mode() == DELETE) {
                    Leaf old = entries.get(path);
                    if (old != null && old.mode() != FileMode.TREE) {
                        entries.remove(path);
                    }
                } else {
                    entries.put(path, e.getValue());
                }
            } else {
                below.computeIfAbsent(path.substring(0, slash), k -> new TreeMap<>()).put(path.substring(slash + 1),
                        e.getValue());
            }
        }
        for (Map.Entry<String, Map<String, Leaf>> sub : below.entrySet()) {
            Leaf old = entries.get(sub.getKey());
            // A blob or submodule where a directory is now wanted is replaced by the directory.
            ObjectId id = edit(old != null && old.mode() == FileMode.TREE ? old.id() : null, sub.getValue());
            if (id == null) {
                entries.remove(sub.getKey());
            } else {
                entries.put(sub.getKey(), new Leaf(FileMode.TREE, id));
            }
        }
        if (entries.isEmpty()) {
            return null;
        }
        List<Map.Entry<String, Leaf>> sorted = new ArrayList<>(entries.entrySet());
        sorted.sort((a, b) -> compareGitOrder(a.getKey(), a.getValue().mode() == FileMode.TREE, b.getKey(),
                b.getValue().mode() == FileMode.TREE));
        TreeFormatter fmt = new TreeFormatter();
        for (Map.Entry<String, Leaf> e : sorted) {
            fmt.append(e.getKey(), e.getValue().mode(), e.getValue().id());
        }
        return inserter.insert(fmt);
    }

    /** git's tree order: names compared as bytes, a tree's name as if it ended in '/'. */
    private static int compareGitOrder(String a, boolean aTree, String b, boolean bTree) {
        byte[] x = a.getBytes(StandardCharsets.UTF_8);
        byte[] y = b.getBytes(StandardCharsets.UTF_8);
        int n = Math.min(x.length, y.length);
        int c = Arrays.compareUnsigned(x, 0, n, y, 0, n);
        if (c != 0) {
            return c;
        }
        int cx = x.length > n ? x[n] & 0xff : aTree ? '/' : 0;
        int cy = y.length > n ? y[n] & 0xff : bTree ? '/' : 0;
        return Integer.compare(cx, cy);
    }
}
