package dev.airlock.scan.rules;

import dev.airlock.scan.Rule;
import dev.airlock.scan.validate.CharacterMix;
import dev.airlock.scan.validate.Crc32Base62Checksum;
import java.util.List;

/** Package and image registries: npm, PyPI, Docker Hub. */
final class PackageRegistryRules {
    private PackageRegistryRules() {
    }

    static List<Rule> all() {
        Fake f = new Fake("registries");
        String npm = f.crc32Base62("npm_");
        return List.of(
                Rule.builder("npm-token")
                        .description("npm access token (CRC32 checksum verified)")
                        .keywords("npm_")
                        .regex("\\b(npm_[A-Za-z0-9]{36})\\b")
                        .secretGroup(1)
                        .validator(new Crc32Base62Checksum("npm_"))
                        .maxLength(40)
                        .example("//registry.npmjs.org/:_authToken=" + npm)
                        .negative("//registry.npmjs.org/:_authToken=" + npm.substring(0, 34) + "zzzzzz")
                        .negative("npm_" + f.alnum(30))
                        .build(),
                Rule.builder("pypi-token")
                        .description("PyPI upload token (macaroon for pypi.org)")
                        .keywords("pypi-ageichlwas5vcmc")
                        .regex("\\b(pypi-AgEIcHlwaS5vcmc[A-Za-z0-9_-]{50,400})(?:[^A-Za-z0-9_-]|\\z)")
                        .secretGroup(1)
                        .minEntropy(4.0)
                        .allowlist(Stopwords.placeholders())
                        .maxLength(421)
                        .example("password = pypi-AgEIcHlwaS5vcmc" + f.urlsafe(160) + "\n")
                        .negative("pypi-AgEIcHlwaS5vcmc" + f.urlsafe(20) + "\n")
                        .negative("pypi-AgEIcHlwaS5vcmcxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\n")
                        .build(),
                Rule.builder("docker-hub-pat")
                        .description("Docker Hub personal or organisation access token")
                        .keywords("dckr_pat_", "dckr_oat_")
                        .regex("\\b(dckr_(?:pat|oat)_[A-Za-z0-9_-]{27,32})(?:[^A-Za-z0-9_-]|\\z)")
                        .secretGroup(1)
                        .minEntropy(3.5)
                        .validator(CharacterMix.LETTER_AND_DIGIT)
                        .allowlist(Stopwords.placeholders())
                        .maxLength(42)
                        .example("echo dckr_pat_" + f.alnum(27) + " | docker login -u me --password-stdin")
                        .negative("dckr_pat_" + f.alnum(20) + " ")
                        .negative("dckr_pat_xxxxxxxxxxxxxxxxxxxxxxxxxxx ")
                        .build());
    }
}
