package dev.hookline.admin;

import java.util.Random;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * A small property-test harness: runs a check on a bounded number of generated inputs and, when one
 * fails, reports the input, the try and the seed that reproduces it.
 *
 * <p>The seed is fixed per property (its name) so CI runs are reproducible; set {@code
 * -Dhookline.property.seed=N} to explore other inputs, and the same flag with the reported seed to
 * replay a failure. (jqwik was the brief's choice; its 1.10 releases carry a clause asking AI
 * coding agents not to use it, so this repository, written with one, does not.)
 */
final class PropertyCheck {
  private static final String SEED_PROPERTY = "hookline.property.seed";

  private PropertyCheck() {}

  static <T> void forAll(String name, int tries, Function<Random, T> generator, Consumer<T> check) {
    Long override = Long.getLong(SEED_PROPERTY);
    long seed = override != null ? override : name.hashCode();
    Random random = new Random(seed);
    for (int i = 0; i < tries; i++) {
      T input = generator.apply(random);
      try {
        check.accept(input);
      } catch (AssertionError | RuntimeException e) {
        throw new AssertionError(
            "property '"
                + name
                + "' falsified at try "
                + (i + 1)
                + " of "
                + tries
                + " (replay with -D"
                + SEED_PROPERTY
                + "="
                + seed
                + ") by input: "
                + abbreviate(String.valueOf(input))
                + "\n"
                + e.getMessage(),
            e);
      }
    }
  }

  static String abbreviate(String text) {
    return text.length() <= 600
        ? text
        : text.substring(0, 600) + "... (" + text.length() + " chars)";
  }
}
