package dev.airlock.core;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RedactionTest {
    @Test
    void showsFourCharactersAndTheLength() {
        assertThat(Redaction.redact("ghp_0123456789abcdefghijABCDEFGHIJ012345")).isEqualTo("ghp_…40");
    }

    @Test
    void shortValuesShowOnlyTheirLength() {
        assertThat(Redaction.redact("abcd")).isEqualTo("…4");
        assertThat(Redaction.redact("")).isEqualTo("…0");
    }

    @Test
    void controlCharactersInThePrefixCannotForgeLogLines() {
        assertThat(Redaction.redact("a\nb\rcdef")).isEqualTo("a?b?…8");
    }
}
