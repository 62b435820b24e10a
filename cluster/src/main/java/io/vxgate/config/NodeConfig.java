package io.vxgate.config;

import static java.util.Objects.requireNonNull;

/**
 * This node's identity. {@code id} defaults to the host name, {@code datacenter} to
 * {@code "default"}; {@code advertise} (nullable) is the address published for DNS sync.
 */
public record NodeConfig(String id, String datacenter, String advertise) {
  public NodeConfig {
    requireNonNull(id, "id");
    requireNonNull(datacenter, "datacenter");
  }
}
