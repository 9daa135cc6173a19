package dev.airlock.sandbox.redteam;

/** A case's result: {@code passed} when the attack was blocked and, where expected, a denial event was seen. */
public record RedTeamResult(RedTeamCase testCase, RedTeamCase.Verdict verdict, String error) {
    public boolean passed() {
        return error == null && verdict.blocked()
                && (!testCase.expectsDenial() || verdict.denialSeen() || verdict.belowSandbox());
    }

    public String outcome() {
        if (error != null) {
            return "ERROR";
        }
        if (!verdict.blocked()) {
            return "ESCAPED";
        }
        if (verdict.belowSandbox()) {
            return "blocked by the host kernel";
        }
        return testCase.expectsDenial() && !verdict.denialSeen() ? "BLOCKED, NO EVENT" : "blocked";
    }
}
