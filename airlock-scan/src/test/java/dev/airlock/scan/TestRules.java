package dev.airlock.scan;

import dev.airlock.scan.rules.BuiltinRules;
import java.util.ArrayList;
import java.util.List;

/** A small engine-test rule set covering the shapes that matter to windowing: prefixes, \b, groups, long spans. */
final class TestRules {
    static final Rule GITHUB = Rule.builder("t-github-pat").keywords("ghp_")
            .regex("\\b(ghp_[A-Za-z0-9]{36})\\b").secretGroup(1).maxLength(40).build();
    static final Rule PASSWORD = Rule.builder("t-password").keywords("password", "passwd")
            .regex("(?i)(?:password|passwd)\\s{0,3}[:=]\\s{0,3}\"?([A-Za-z0-9!#%+/_-]{8,40})").secretGroup(1)
            .minEntropy(2.5).confidence(Confidence.GENERIC).maxLength(60).build();
    static final Rule PEM = Rule.builder("t-pem").keywords("-----begin")
            .regex("-----BEGIN (?:RSA |EC |OPENSSH )?PRIVATE KEY-----[A-Za-z0-9+/=\\s]{32,1000}-----END (?:RSA |EC |OPENSSH )?PRIVATE KEY-----")
            .maxLength(1100).build();
    static final Rule SLACK = Rule.builder("t-slack").keywords("xoxb-", "xoxp-")
            .regex("xox[bp]-[0-9]{10,13}-[0-9]{10,13}-[A-Za-z0-9]{24}").maxLength(64).build();

    static List<Rule> all() {
        List<Rule> rules = new ArrayList<>(List.of(GITHUB, PASSWORD, PEM, SLACK));
        rules.addAll(BuiltinRules.all());
        return rules;
    }

    private TestRules() {
    }
}
