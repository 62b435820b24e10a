package io.vxgate.cluster;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.MessageConsumer;
import java.util.function.Consumer;

/**
 * A {@link Broadcast} over the clustered event bus: {@code publish} to the address {@code
 * vxgate.broadcast.TOPIC}, with the sender's node id in a header so that it skips its own.
 */
final class EventBusBroadcast implements Broadcast {
  static final String PREFIX = "vxgate.broadcast.";
  private static final String FROM = "from";

  private final Vertx vertx;
  private final String address;
  private final String node;
  private final DeliveryOptions options;

  EventBusBroadcast(Vertx vertx, String topic, String node) {
    this.vertx = vertx;
    this.address = PREFIX + topic;
    this.node = node;
    this.options = new DeliveryOptions().addHeader(FROM, node).setLocalOnly(false);
  }

  @Override
  public void publish(Buffer message) {
    vertx.eventBus().publish(address, message, options);
  }

  @Override
  public Subscription listen(Consumer<Buffer> listener) {
    MessageConsumer<Buffer> c =
        vertx
            .eventBus()
            .consumer(
                address,
                m -> {
                  if (!node.equals(m.headers().get(FROM))) {
                    listener.accept(m.body());
                  }
                });
    return () -> c.unregister();
  }
}
