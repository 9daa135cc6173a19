package dev.airlock.scan.rules;

import dev.airlock.scan.Rule;
import dev.airlock.scan.validate.CharacterMix;
import dev.airlock.scan.validate.Crc32Base62Checksum;
import java.util.ArrayList;
import java.util.List;

/** GitHub and GitLab tokens. */
final class SourceControlRules {
    private SourceControlRules() {
    }

    static List<Rule> all() {
        Fake f = new Fake("source-control");
        List<Rule> rules = new ArrayList<>();
        rules.add(github(f, "github-pat", "ghp_", "GitHub personal access token (classic)"));
        rules.add(github(f, "github-oauth", "gho_", "GitHub OAuth access token"));
        rules.add(github(f, "github-user-to-server", "ghu_", "GitHub App user-to-server token"));
        rules.add(github(f, "github-server-to-server", "ghs_", "GitHub App installation (server-to-server) token"));
        rules.add(github(f, "github-refresh", "ghr_", "GitHub App refresh token"));
        rules.add(Rule.builder("github-fine-grained-pat")
                .description("GitHub fine-grained personal access token")
                .keywords("github_pat_")
                .regex("\\b(github_pat_[A-Za-z0-9]{22}_[A-Za-z0-9]{59})\\b")
                .secretGroup(1)
                .validator(CharacterMix.MIXED_CASE_AND_DIGIT)
                .allowlist(Stopwords.placeholders())
                .maxLength(93)
                .example("GH_TOKEN=github_pat_" + f.alnum(22) + "_" + f.alnum(59))
                .negative("github_pat_" + f.alnum(22) + "_" + f.alnum(40))
                .negative("github_pat_11AAAAAAA0xxxxxxxxxxxx_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx")
                .build());
        rules.add(Rule.builder("gitlab-pat")
                .description("GitLab personal access token (legacy 20-character form)")
                .keywords("glpat-")
                .regex("\\b(glpat-[A-Za-z0-9_-]{20})(?:[^A-Za-z0-9_.-]|\\z)")
                .secretGroup(1)
                .minEntropy(3.0)
                .validator(CharacterMix.LETTER_AND_DIGIT)
                .allowlist(Stopwords.placeholders())
                .maxLength(27)
                .example("private_token: glpat-" + f.alnum(20) + "\n")
                .negative("glpat-" + f.alnum(19) + " ")
                .negative("glpat-xxxxxxxxxxxxxxxxxxxx\n")
                .build());
        rules.add(Rule.builder("gitlab-pat-routable")
                .description("GitLab routable personal access token (glpat-….01.…)")
                .keywords("glpat-")
                .regex("\\b(glpat-[A-Za-z0-9_-]{27,300}\\.[0-9a-z]{2}\\.[0-9a-z]{7,9})\\b")
                .secretGroup(1)
                .validator(CharacterMix.LETTER_AND_DIGIT)
                .allowlist(Stopwords.placeholders())
                .maxLength(330)
                .example("GITLAB_TOKEN=glpat-" + f.urlsafe(12) + f.alnum(24) + ".01." + f.of(Fake.LOWER + Fake.DIGITS, 9))
                .negative("glpat-" + f.alnum(10) + ".01." + f.of(Fake.LOWER, 9))
                .build());
        rules.add(Rule.builder("gitlab-pipeline-trigger-token")
                .description("GitLab pipeline trigger token")
                .keywords("glptt-")
                .regex("\\b(glptt-[0-9a-f]{40})\\b")
                .secretGroup(1)
                .minEntropy(3.0)
                .maxLength(46)
                .example("curl -F token=glptt-" + f.hex(40))
                .negative("glptt-" + f.hex(39))
                .build());
        rules.add(Rule.builder("gitlab-runner-token")
                .description("GitLab runner authentication token")
                .keywords("glrt-")
                .regex("\\b(glrt-[A-Za-z0-9_-]{20,60})(?:[^A-Za-z0-9_.-]|\\z)")
                .secretGroup(1)
                .minEntropy(3.0)
                .validator(CharacterMix.MIXED_CASE_AND_DIGIT)
                .allowlist(Stopwords.placeholders())
                .maxLength(66)
                .example("token = \"glrt-" + f.alnum(20) + "\"")
                .negative("glrt-" + f.alnum(12) + "\"")
                .build());
        rules.add(Rule.builder("gitlab-deploy-token")
                .description("GitLab deploy token")
                .keywords("gldt-")
                .regex("\\b(gldt-[A-Za-z0-9_-]{20,60})(?:[^A-Za-z0-9_.-]|\\z)")
                .secretGroup(1)
                .minEntropy(3.0)
                .validator(CharacterMix.MIXED_CASE_AND_DIGIT)
                .allowlist(Stopwords.placeholders())
                .maxLength(66)
                .example("password: gldt-" + f.alnum(20) + "\n")
                .negative("gldt-" + f.of(Fake.LOWER, 20) + "\n")
                .build());
        return rules;
    }

    private static Rule github(Fake f, String id, String prefix, String description) {
        String valid = f.crc32Base62(prefix);
        String broken = valid.substring(0, valid.length() - 1) + (valid.endsWith("A") ? "B" : "A");
        return Rule.builder(id)
                .description(description + " (CRC32 checksum verified)")
                .keywords(prefix)
                .regex("\\b(" + prefix + "[A-Za-z0-9]{36})\\b")
                .maxKeywordOffset(0)
                .secretGroup(1)
                .validator(new Crc32Base62Checksum(prefix))
                .maxLength(40)
                .example("GITHUB_TOKEN=" + valid)
                .example("{\"token\":\"" + f.crc32Base62(prefix) + "\"}")
                .negative("GITHUB_TOKEN=" + broken)
                .negative(prefix + f.alnum(35))
                .negative(prefix + "16C7e42F292c6912E7710c838347Ae178B4a")
                .build();
    }
}
