/**
 * DNS sync (docs/configuration.md, {@code dns-sync}): the cluster keeps the A/AAAA records of one
 * name equal to the {@code node.advertise} addresses of its ready members, by RFC 2136 dynamic
 * updates signed with TSIG. {@link io.vxgate.cluster.dns.DnsSync} runs on every node; the holder of
 * a cluster-wide lock writes. {@link io.vxgate.cluster.dns.RecordSet} is the port to the DNS
 * server. See {@code docs/operations.md} (Behind DNS).
 */
@NullMarked
package io.vxgate.cluster.dns;

import org.jspecify.annotations.NullMarked;
