package dev.airlock.scan.validate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.airlock.scan.SecretValidator;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class GenericValueFiltersTest {

    static boolean passesAll(String value) {
        for (SecretValidator filter : GenericValueFilters.all()) {
            if (!filter.accepts(value)) {
                return false;
            }
        }
        return true;
    }

    @ParameterizedTest
    @ValueSource(strings = {"Zr8pQ2vX9tLmK4wB", "a1b9c7d3e5f2a8b6c4d0e2f9a7b5c3d1", "s3cr3t-V4lue_2024x",
        "kF9/x+Qm2LpZ8vRt4nYw", "d41d8cd98f00b204e9800998ecf8427e"})
    void keepsValuesThatLookGenerated(String value) {
        assertThat(passesAll(value)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "550e8400-e29b-41d4-a716-446655440000",            // UUID
        "d670460b4b4aece5915caf5c68d12f560a9fe3e4",        // git SHA
        "sha512-z4PhNX7vuL3xVChQ1m2AB9Yg5AULVxXcg/SpIdNs6c5H0NE8XYXysP+DGNKHfuwvY7kxvUR6",
        "h1:Nc5Pk0XzM1J2T2aP1DqJ6rVdW6c0Tq4Hn5u1q2B3C4E=", "sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
        "${DB_PASSWORD}", "{{ .Values.token }}", "<your-token>", "%(password)s", "$API_TOKEN2", "@api.token@",
        "xxxxxxxx1234", "changeme123", "your-api-key-1", "REDACTED99", "dummy-token-1", "example123key",
        "abcdef123456", "zyxwv1234ab", "qwerty2024xx", "aaaaaa1bcd",
        "process.env.API_KEY2", "os.environ[KEY1]", "System.getenv(X1)", "this.apiKey2.value", "DB_PASSWORD_2",
        "/run/secrets/token1", "ssh-rsa1AAAAB3NzaC1yc2EAAAADAQABAAABAQC", "data:image/png;base64,iVBORw0KGgo",
        "secrets2.json", "passwordless", "1234567890"})
    void dropsKnownFalsePositives(String value) {
        assertThat(passesAll(value)).isFalse();
    }
}
