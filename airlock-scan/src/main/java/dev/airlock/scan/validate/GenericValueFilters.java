package dev.airlock.scan.validate;

import dev.airlock.scan.SecretValidator;
import java.util.List;

/**
 * The false-positive filters every heuristic (keyword + entropy) rule applies to its candidate value, in the
 * order cheapest-first. A value is reported only if all accept it.
 */
public final class GenericValueFilters {
    private static final List<SecretValidator> ALL = List.of(
            CharacterMix.LETTER_AND_DIGIT, new NotTemplated(), new NotPlaceholder(), new NotUuid(), new NotDigest(),
            new NotSequential(), new NotReference());

    private GenericValueFilters() {
    }

    public static List<SecretValidator> all() {
        return ALL;
    }
}
