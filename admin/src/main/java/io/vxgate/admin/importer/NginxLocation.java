package io.vxgate.admin.importer;

/**
 * An nginx {@code location} block as the translator sees it.
 *
 * @param pattern the prefix or exact path, or the Java regex
 */
record NginxLocation(
    NginxDirective block,
    NginxScope scope,
    String label,
    NginxLocations.Kind kind,
    String pattern) {}
