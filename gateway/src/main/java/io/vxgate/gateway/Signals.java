package io.vxgate.gateway;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandleProxies;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;

/**
 * Signal handlers through the JDK's {@code sun.misc.Signal} (module {@code jdk.unsupported}), the
 * only way a Java program handles a signal. It is reached by reflection: javac warns about every
 * direct use of {@code sun.misc}, a warning that no {@code @SuppressWarnings} silences, and the
 * main code compiles with {@code -Werror} (docs/architecture.md, "Build checks").
 */
final class Signals {
  private Signals() {}

  /**
   * Runs {@code action} on every signal {@code name} ({@code "HUP"}), instead of the JVM's default.
   *
   * @throws IllegalArgumentException when this JVM has no such signal, or uses it itself
   * @throws IllegalStateException when {@code sun.misc.Signal} is not there
   */
  static void handle(String name, Runnable action) {
    try {
      Class<?> signal = Class.forName("sun.misc.Signal");
      Class<?> handler = Class.forName("sun.misc.SignalHandler");
      MethodHandles.Lookup lookup = MethodHandles.publicLookup();
      MethodHandle run =
          lookup.findVirtual(Runnable.class, "run", MethodType.methodType(void.class));
      Object h =
          MethodHandleProxies.asInterfaceInstance(
              handler, MethodHandles.dropArguments(run.bindTo(action), 0, signal));
      Object sig =
          lookup
              .findConstructor(signal, MethodType.methodType(void.class, String.class))
              .invoke(name);
      lookup
          .findStatic(signal, "handle", MethodType.methodType(handler, signal, handler))
          .invoke(sig, h);
    } catch (RuntimeException | Error e) {
      throw e;
    } catch (Throwable e) {
      throw new IllegalStateException("sun.misc.Signal is not usable", e);
    }
  }
}
