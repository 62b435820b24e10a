package io.vxgate.cluster.dns;

import static java.util.Objects.requireNonNull;

import io.vxgate.config.DnsSyncConfig;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.TSIG;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;
import org.xbill.DNS.Update;

/** {@link RecordSet} over dnsjava: queries and RFC 2136 updates, TSIG-signed when configured. */
final class Rfc2136RecordSet implements RecordSet {
  static {
    // dnsjava closes its NIO selector in a JVM shutdown hook of its own, which runs alongside
    // ours: the withdrawal sent while draining (SIGTERM) then reopens it and fails with
    // "IllegalStateException: Shutdown in progress". The node stops dnsjava's use itself.
    if (System.getProperty("dnsjava.nio.register_shutdown_hook") == null) {
      System.setProperty("dnsjava.nio.register_shutdown_hook", "false");
    }
  }

  private final DnsSyncConfig config;
  private final Duration timeout;
  private final Name zone;
  private final Name name;
  private final @Nullable TSIG tsig;

  Rfc2136RecordSet(DnsSyncConfig config, Duration timeout) {
    this.config = requireNonNull(config, "config");
    this.timeout = requireNonNull(timeout, "timeout");
    try {
      this.zone = Name.fromString(config.zone(), Name.root);
      this.name = Name.fromString(config.name(), Name.root);
    } catch (TextParseException e) {
      throw new IllegalArgumentException("dns-sync: " + e.getMessage(), e);
    }
    DnsSyncConfig.TsigConfig t = config.tsig();
    this.tsig =
        t == null ? null : new TSIG(TSIG.algorithmToName(t.algorithm()), t.name(), t.secret());
  }

  @Override
  public Set<InetAddress> read() throws IOException {
    SimpleResolver resolver = resolver();
    Set<InetAddress> out = new LinkedHashSet<>();
    for (int type : new int[] {Type.A, Type.AAAA}) {
      Message response = send(resolver, Message.newQuery(Record.newRecord(name, type, DClass.IN)));
      int rcode = response.getRcode();
      if (rcode != Rcode.NOERROR && rcode != Rcode.NXDOMAIN) {
        throw new IOException(
            "query " + name + " " + Type.string(type) + ": " + Rcode.string(rcode));
      }
      for (Record r : response.getSection(Section.ANSWER)) {
        if (r instanceof ARecord a && a.getName().equals(name)) {
          out.add(a.getAddress());
        } else if (r instanceof AAAARecord a && a.getName().equals(name)) {
          out.add(a.getAddress());
        }
      }
    }
    return out;
  }

  @Override
  public void apply(Set<InetAddress> remove, Set<InetAddress> add) throws IOException {
    Update update = new Update(zone);
    for (InetAddress a : remove) {
      update.delete(record(a, 0));
    }
    for (InetAddress a : add) {
      update.add(record(a, config.ttl()));
    }
    Message response = send(resolver(), update);
    if (response.getRcode() != Rcode.NOERROR) {
      throw new IOException(
          "update of zone " + zone + " refused: " + Rcode.string(response.getRcode()));
    }
  }

  private Record record(InetAddress a, long ttl) {
    return a instanceof Inet4Address
        ? new ARecord(name, DClass.IN, ttl, a)
        : new AAAARecord(name, DClass.IN, ttl, a);
  }

  private Message send(SimpleResolver resolver, Message m) throws IOException {
    Message response = resolver.send(m);
    DnsSyncConfig.TsigConfig t = config.tsig();
    if (t != null && !response.isVerified()) {
      // dnsjava marks a response whose TSIG is missing or wrong; BIND answers NOTAUTH/BADKEY
      // to a request signed with an unknown key, unsigned.
      throw new IOException(
          "response from "
              + config.server()
              + " not verified with TSIG key "
              + t.name()
              + " ("
              + Rcode.string(response.getRcode())
              + ")");
    }
    return response;
  }

  private SimpleResolver resolver() throws IOException {
    InetAddress server = InetAddress.getByName(config.server().host());
    SimpleResolver r = new SimpleResolver(new InetSocketAddress(server, config.server().port()));
    r.setTimeout(timeout);
    if (tsig != null) {
      r.setTSIGKey(tsig);
    }
    return r;
  }
}
