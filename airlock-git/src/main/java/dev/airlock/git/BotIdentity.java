package dev.airlock.git;

import java.util.Objects;
import org.eclipse.jgit.lib.PersonIdent;

/** Who the git service commits as. */
public record BotIdentity(String name, String email) {
    public static final BotIdentity DEFAULT = new BotIdentity("airlock[bot]", "airlock-bot@users.noreply.localhost");

    public BotIdentity {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(email, "email");
        if (name.isBlank() || name.indexOf('<') >= 0 || name.indexOf('>') >= 0 || name.indexOf('\n') >= 0
                || email.indexOf('<') >= 0 || email.indexOf('>') >= 0 || email.indexOf('\n') >= 0) {
            throw new IllegalArgumentException("bot identity must not contain '<', '>' or newlines");
        }
    }

    PersonIdent at(java.time.Instant when) {
        return new PersonIdent(name, email, when, java.time.ZoneOffset.UTC);
    }
}
