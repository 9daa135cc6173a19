package dev.airlock.proxy;

import dev.airlock.scan.Finding;
import java.util.List;

/**
 * The interceptor chain's answer for one request. Switch over it without {@code default}: a new verdict must
 * break the build until every caller handles it.
 */
public sealed interface Verdict permits Verdict.Allow, Deny {

    /**
     * Forward {@code request} (possibly rewritten, e.g. with an injected credential).
     *
     * @param logged findings that did not block (generic ones under {@code generic = "log"}), already redacted
     * @param notes  audit notes such as a fail-open pass
     */
    record Allow(GuardRequest request, List<Finding> logged, List<String> notes) implements Verdict {
        public Allow {
            logged = List.copyOf(logged);
            notes = List.copyOf(notes);
        }
    }
}
