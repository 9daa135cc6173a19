package dev.airlock.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class SessionIdTest {
    @Test
    void randomIdsAreDistinctAndValid() {
        SessionId a = SessionId.random();
        SessionId b = SessionId.random();
        assertThat(a).isNotEqualTo(b);
        assertThat(a.value()).matches("s-[0-9a-f]{24}");
    }

    @Test
    void rejectsPathAndLogInjection() {
        assertThatThrownBy(() -> new SessionId("../etc")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new SessionId("a\nb")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new SessionId("")).isInstanceOf(IllegalArgumentException.class);
    }
}
