package dev.airlock.orchestrator.github;

import dev.airlock.orchestrator.BudgetUsage;
import dev.airlock.orchestrator.RunOutcome;
import dev.airlock.orchestrator.RunRecord;
import java.time.Duration;
import java.util.List;

/**
 * The body of an Airlock draft pull request: the chain of custody (base commit, input and output snapshot ids, the
 * pushed commit), the files changed, a summary of denial events and the budget used. Reviewers can check each hash
 * against the commit trailers and the dead drop.
 */
final class PullRequestBody {
    private static final int MAX_LISTED = 50;

    private PullRequestBody() {
    }

    /**
     * @param requester who asked ({@code @login}, or the operator on the command line)
     * @param revision 0 for the first push, else the revision that pushed {@code p}
     * @param budget   what the run spent as the orchestrator recorded it (tokens counted by the guard)
     */
    static String of(int issue, String requester, RunRecord run, RunOutcome.Published p, int revision,
                     java.util.Optional<BudgetUsage> budget) {
        StringBuilder b = new StringBuilder();
        b.append("Airlock run `").append(p.run()).append("` for #").append(issue)
                .append(", requested by ").append(requester).append(".\n\n");
        if (revision > 0) {
            b.append("Revision ").append(revision).append(" pushed `").append(p.commit())
                    .append("` on top of the previous head; the hashes below are this revision's.\n\n");
        }
        b.append("### Chain of custody\n\n");
        b.append("| | |\n|---|---|\n");
        b.append("| base commit | `").append(run.baseCommit()).append("` |\n");
        b.append("| input snapshot | `").append(run.inputId()).append("` |\n");
        b.append("| output snapshot | `").append(run.outputId()).append("` |\n");
        b.append("| pushed commit | `").append(p.commit()).append("` |\n");
        b.append("| task sha256 | `").append(run.taskSha256()).append("` |\n\n");
        b.append("### Diff stat\n\n").append(p.changes().describe()).append("\n\n");
        list(b, "A", p.changes().added());
        list(b, "M", p.changes().modified());
        list(b, "D", p.changes().deleted());
        b.append("\n### Denials\n\n");
        if (p.denials().isEmpty()) {
            b.append("none\n");
        } else {
            b.append(p.denials().size()).append(p.denials().size() == 1 ? " denial" : " denials").append(":\n\n");
            p.denials().stream().limit(MAX_LISTED).forEach(d -> b.append("- ").append(code(d)).append('\n'));
        }
        b.append("\n### Budget used\n\n");
        b.append("- agent wall time: ").append(seconds(p.agentTime())).append('\n');
        p.phases().forEach((phase, d) -> b.append("- ").append(phase.label()).append(": ").append(seconds(d))
                .append('\n'));
        b.append("- ").append(budget.map(BudgetUsage::describe).orElse("LLM tokens: not recorded")).append('\n');
        return b.toString();
    }

    private static void list(StringBuilder b, String mark, List<String> files) {
        files.stream().limit(MAX_LISTED).forEach(f -> b.append("    ").append(mark).append(' ').append(f).append('\n'));
        if (files.size() > MAX_LISTED) {
            b.append("    … ").append(files.size() - MAX_LISTED).append(" more\n");
        }
    }

    /** Inline code with backticks removed, so a denial message cannot break out into markdown. */
    private static String code(String s) {
        return "`" + s.replace('`', '\'').replace('\n', ' ') + "`";
    }

    private static String seconds(Duration d) {
        return String.format(java.util.Locale.ROOT, "%.1f s", d.toMillis() / 1000.0);
    }
}
