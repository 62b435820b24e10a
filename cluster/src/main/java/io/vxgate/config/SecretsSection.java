package io.vxgate.config;

/** Reads {@code secrets:} (docs/configuration.md, section "secrets"). */
final class SecretsSection {
  static final int MIN_SECRET = 16;

  private SecretsSection() {}

  static SecretsConfig read(Cursor c) {
    Cursor.Fields f = c.fields("sticky");
    String sticky =
        f.get("sticky")
            .scalar(
                "a secret of at least " + MIN_SECRET + " characters",
                s -> s.length() >= MIN_SECRET ? s : null);
    return sticky == null ? SecretsConfig.NONE : new SecretsConfig(sticky);
  }
}
