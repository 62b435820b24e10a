package io.vxgate.gateway.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.vxgate.gateway.it.RawHttp.Client;
import io.vxgate.gateway.it.RawHttp.Response;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Interim (1xx) responses, end to end over raw sockets: {@code Expect: 100-continue} from clients,
 * and 100 and 103 responses from the origin ahead of its final one. The origin is a {@link
 * RawOrigin}, which answers exactly the bytes a test scripts.
 */
class InterimResponseIT {
  @RegisterExtension final Harness h = new Harness();

  @Test
  void expectContinueGets100BeforeTheBodyAndTheOriginNeverSeesExpect() throws Exception {
    RawOrigin origin = h.gatewayTo(RawOrigin.echo());
    Client c = h.connect();
    c.send(
        "POST /up HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\nContent-Length: 11\r\n"
            + "Expect: 100-continue\r\n\r\n");
    Response interim = c.readHead();
    assertThat(interim.version()).isEqualTo("HTTP/1.1");
    assertThat(interim.status()).isEqualTo(100);
    assertThat(origin.requests).as("no body was sent yet").isEmpty();

    c.send("hello world");
    Response r = c.read();
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.bodyText()).isEqualTo("POST /up hello world");
    RawOrigin.Request seen = origin.seen().get(0);
    assertThat(seen.bodyText()).isEqualTo("hello world");
    assertThat(seen.header("Expect")).isNull();
  }

  @Test
  void expectContinueOnARequestWithoutARouteGetsTheFinalStatusInstead() throws Exception {
    RawOrigin origin =
        h.gatewayTo(
            RawOrigin.echo(), "routes: [{name: api, match: {path-prefix: /api/}, upstream: app}]");
    Client c = h.connect();
    c.send(
        "POST /elsewhere HTTP/1.1\r\nHost: x\r\nContent-Length: 11\r\nExpect: 100-continue\r\n\r\n");
    Response r = c.read();
    assertThat(r.status()).isEqualTo(404);
    assertThat(origin.requests).isEmpty();
  }

  @Test
  void interimResponsesFromTheOriginAreFollowedByTheFinalOne() throws Exception {
    String interim =
        "HTTP/1.1 100 Continue\r\n\r\n"
            + "HTTP/1.1 103 Early Hints\r\nLink: </style.css>; rel=preload; as=style\r\n\r\n";
    RawOrigin origin =
        h.gatewayTo(
            (req, out) -> {
              String fin = RawOrigin.response(200, "final " + req.target());
              if (req.target().equals("/split")) {
                for (String part : interim.split("(?<=\r\n\r\n)")) {
                  out.write(RawOrigin.ascii(part));
                  out.flush();
                }
                out.write(RawOrigin.ascii(fin));
              } else {
                out.write(RawOrigin.ascii(interim + fin));
              }
              return true;
            });
    Client c = h.connect();
    for (String path : List.of("/split", "/together", "/split")) {
      c.send("GET " + path + " HTTP/1.1\r\nHost: x\r\n\r\n");
      List<Response> rs = c.readUntilFinal();
      Response fin = rs.get(rs.size() - 1);
      assertThat(fin.status()).as(path).isEqualTo(200);
      assertThat(fin.bodyText()).as(path).isEqualTo("final " + path);
      assertThat(rs.subList(0, rs.size() - 1))
          .as("only interim responses before the final one")
          .allSatisfy(i -> assertThat(i.status()).isBetween(100, 199));
    }
    assertThat(origin.accepted.get()).as("the origin connection stayed usable").isEqualTo(1);
  }
}
