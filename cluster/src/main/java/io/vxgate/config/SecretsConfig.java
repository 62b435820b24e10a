package io.vxgate.config;

import org.jspecify.annotations.Nullable;

/**
 * Cluster-wide secrets ({@code secrets:} in the file).
 *
 * @param sticky the key that signs sticky-session cookies. When null, each node uses a random key
 *     of its own, so a cookie is only honoured by the node that issued it
 */
public record SecretsConfig(@Nullable String sticky) {
  /** No secret configured. */
  public static final SecretsConfig NONE = new SecretsConfig(null);

  @Override
  public String toString() {
    return "SecretsConfig[sticky=" + (sticky == null ? "none" : "***") + "]";
  }
}
