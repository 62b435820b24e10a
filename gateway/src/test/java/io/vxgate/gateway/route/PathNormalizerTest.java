package io.vxgate.gateway.route;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class PathNormalizerTest {

  @ParameterizedTest
  @CsvSource({
    "/, /",
    "/api/users, /api/users",
    "/api/../admin, /admin",
    "/api/./users, /api/users",
    "//api///users, /api/users",
    "/%61dmin, /admin",
    "/%2e%2e/admin, null",
    "/api/%2e%2e/admin, /admin",
    "/api/%2E/x, /api/x",
    "/a/b/.., /a/",
    "/a/b/., /a/b/",
    "/a/b/, /a/b/",
    "/caf%c3%a9, /caf%C3%A9",
    "/a%20b, /a%20b",
    "/~user/%7euser, /~user/~user",
    "/x/%252e%252e/admin, /x/%252e%252e/admin",
    "/a;b/c, /a;b/c",
    "/x/...;/y, /x/...;/y",
    "/%e2%82%ac%41, /%E2%82%ACA",
  })
  void normalises(String in, String expected) {
    assertThat(PathNormalizer.normalize(in)).isEqualTo("null".equals(expected) ? null : expected);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "/..",
        "/../etc/passwd",
        "/a/../../b",
        "/api%2Fusers",
        "/api%2fusers",
        "/api%5Cusers",
        "/a\\b",
        "/a%00b",
        "/a%zz",
        "/a%2",
        "/x/..;/admin",
        "/.;/admin",
        "/x/..;a=b/admin",
        "/%c0%ae%c0%ae/admin",
        "/%e0%80%ae",
        "/%ed%a0%80",
        "/%ff",
        "/%c3",
        "/%c3/x",
        "relative",
        ""
      })
  void refusesAmbiguousOrInvalidPaths(String in) {
    assertThat(PathNormalizer.normalize(in)).isNull();
  }

  @ParameterizedTest
  @ValueSource(strings = {"/", "/index.html", "/api/v1/users/42", "/a-b_c~d.e"})
  void returnsSimplePathsUnchanged(String in) {
    assertThat(PathNormalizer.normalize(in)).isSameAs(in);
  }
}
