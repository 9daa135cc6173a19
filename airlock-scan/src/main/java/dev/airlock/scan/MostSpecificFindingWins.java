package dev.airlock.scan;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * One secret, one finding: when a structured rule ({@code CERTAIN}/{@code HIGH}) and a heuristic rule
 * ({@code GENERIC}) report a secret at the same place in the same encoding layer, only the structured finding is
 * kept. Both the engine and the reference path apply this, so their findings stay comparable.
 */
final class MostSpecificFindingWins {
    private MostSpecificFindingWins() {
    }

    static List<Finding> apply(List<Finding> findings) {
        Set<String> structured = new HashSet<>();
        for (Finding f : findings) {
            if (f.confidence() != Confidence.GENERIC) {
                structured.add(place(f));
            }
        }
        if (structured.isEmpty()) {
            return findings;
        }
        List<Finding> kept = new ArrayList<>(findings.size());
        for (Finding f : findings) {
            if (f.confidence() != Confidence.GENERIC || !structured.contains(place(f))) {
                kept.add(f);
            }
        }
        return kept;
    }

    private static String place(Finding f) {
        return f.offset() + "\0" + f.encoding();
    }
}
