package dev.airlock.git;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import org.eclipse.jgit.dircache.DirCache;
import org.eclipse.jgit.dircache.DirCacheBuilder;
import org.eclipse.jgit.dircache.DirCacheEntry;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectInserter;
import org.eclipse.jgit.lib.ObjectReader;
import org.eclipse.jgit.lib.Repository;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The edited tree must be byte-identical to the tree of the same entries built from scratch (git's own layout). */
class TreeEditorTest {
    @TempDir
    Path tmp;

    private record E(FileMode mode, ObjectId id) {
    }

    @Test
    void editingChangedPathsGivesTheSameTreeAsRebuildingEverything() throws Exception {
        try (Repository repo = IsolatedGit.openBare(tmp.resolve("r.git"));
             ObjectInserter ins = repo.newObjectInserter(); ObjectReader reader = ins.newReader()) {
            Map<String, E> base = new TreeMap<>();
            base.put("a.txt", blob(ins, "a", FileMode.REGULAR_FILE));
            base.put("a-b/x", blob(ins, "x", FileMode.REGULAR_FILE));
            base.put("a/b/c.txt", blob(ins, "c", FileMode.REGULAR_FILE));
            base.put("a/only.txt", blob(ins, "only", FileMode.REGULAR_FILE));
            base.put("gone/last.txt", blob(ins, "last", FileMode.REGULAR_FILE));
            base.put("tool", blob(ins, "#!/bin/sh\n", FileMode.REGULAR_FILE));
            base.put("becomes-dir", blob(ins, "f", FileMode.REGULAR_FILE));
            base.put("lib", new E(FileMode.GITLINK, ObjectId.fromString("0123456789abcdef0123456789abcdef01234567")));
            ObjectId baseTree = build(ins, base);

            Map<String, E> after = new TreeMap<>(base);
            TreeEditor editor = new TreeEditor(reader, ins);
            E changed = blob(ins, "c2", FileMode.REGULAR_FILE);
            after.put("a/b/c.txt", changed);
            editor.put("a/b/c.txt", changed.mode(), changed.id());
            E added = blob(ins, "new", FileMode.REGULAR_FILE);
            after.put("a/b/d/e/new.txt", added);
            editor.put("a/b/d/e/new.txt", added.mode(), added.id());
            after.remove("gone/last.txt");
            editor.delete("gone/last.txt");
            E exec = new E(FileMode.EXECUTABLE_FILE, base.get("tool").id());
            after.put("tool", exec);
            editor.put("tool", exec.mode(), exec.id());
            after.remove("becomes-dir");
            editor.delete("becomes-dir");
            E inside = blob(ins, "inside", FileMode.REGULAR_FILE);
            after.put("becomes-dir/inside", inside);
            editor.put("becomes-dir/inside", inside.mode(), inside.id());
            E link = blob(ins, "a.txt", FileMode.SYMLINK);
            after.put("a-link", link);
            editor.put("a-link", link.mode(), link.id());

            assertThat(editor.apply(baseTree)).isEqualTo(build(ins, after));
        }
    }

    @Test
    void deletingEveryFileGivesTheEmptyTree() throws Exception {
        try (Repository repo = IsolatedGit.openBare(tmp.resolve("r.git"));
             ObjectInserter ins = repo.newObjectInserter(); ObjectReader reader = ins.newReader()) {
            Map<String, E> base = new TreeMap<>();
            base.put("d/one", blob(ins, "1", FileMode.REGULAR_FILE));
            ObjectId tree = new TreeEditor(reader, ins).delete("d/one").apply(build(ins, base));
            assertThat(tree).isEqualTo(ins.idFor(Constants.OBJ_TREE, new byte[0]));
        }
    }

    private static E blob(ObjectInserter ins, String content, FileMode mode) throws Exception {
        return new E(mode, ins.insert(Constants.OBJ_BLOB, content.getBytes(StandardCharsets.UTF_8)));
    }

    private static ObjectId build(ObjectInserter ins, Map<String, E> entries) throws Exception {
        DirCache dc = DirCache.newInCore();
        DirCacheBuilder b = dc.builder();
        entries.forEach((path, e) -> {
            DirCacheEntry d = new DirCacheEntry(path);
            d.setFileMode(e.mode());
            d.setObjectId(e.id());
            b.add(d);
        });
        b.finish();
        return dc.writeTree(ins);
    }
}
