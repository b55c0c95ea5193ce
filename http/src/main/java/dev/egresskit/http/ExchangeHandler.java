package dev.egresskit.http;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.timeout.WriteTimeoutException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One connection of an {@link HttpEndpointServer}: one request at a time, each bounded by the
 * request timeout (armed when the connection opens and after each answer), the handler timeout
 * and (by the pipeline's write timeout) the write timeout. Reading pauses while a request is
 * being answered, so pipelined requests wait their turn.
 */
final class ExchangeHandler extends SimpleChannelInboundHandler<FullHttpRequest> {

  private static final Logger LOG = LoggerFactory.getLogger(ExchangeHandler.class);

  private final Map<String, HttpEndpoint> endpoints;
  private final HttpLimits limits;
  private final Executor handlers;
  private final java.util.function.Predicate<java.net.InetAddress> trusted;
  private ScheduledFuture<?> requestTimer;

  ExchangeHandler(Map<String, HttpEndpoint> endpoints, HttpLimits limits, Executor handlers,
      java.util.function.Predicate<java.net.InetAddress> trusted) {
    this.endpoints = endpoints;
    this.limits = limits;
    this.handlers = handlers;
    this.trusted = trusted;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    armRequestTimer(ctx);
    ctx.fireChannelActive();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    cancelRequestTimer();
    ctx.fireChannelInactive();
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
    cancelRequestTimer();
    ctx.channel().config().setAutoRead(false);
    boolean keepAlive = HttpUtil.isKeepAlive(request);
    if (request.decoderResult().isFailure()) {
      Throwable cause = request.decoderResult().cause();
      HttpResponseStatus status = cause instanceof TooLongFrameException
          ? HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE : HttpResponseStatus.BAD_REQUEST;
      respond(ctx, text(status, status.reasonPhrase() + "\n"), false);
      return;
    }
    HttpMethod method = request.method();
    boolean head = method.equals(HttpMethod.HEAD);
    InetSocketAddress client = (InetSocketAddress) ctx.channel().remoteAddress();
    if (!trusted.test(client.getAddress())) {
      respond(ctx, text(HttpResponseStatus.FORBIDDEN, "forbidden: "
          + client.getAddress().getHostAddress() + " is not a trusted host\n"), false, head);
      return;
    }
    QueryStringDecoder uri = new QueryStringDecoder(request.uri());
    HttpEndpoint endpoint = endpoints.get(uri.path());
    if (endpoint == null) {
      respond(ctx, text(HttpResponseStatus.NOT_FOUND, "not found: try "
          + String.join(", ", endpoints.keySet()) + "\n"), keepAlive, head);
      return;
    }
    if (!head && !method.equals(HttpMethod.GET)) {
      FullHttpResponse refused = text(HttpResponseStatus.METHOD_NOT_ALLOWED, "method not allowed\n");
      refused.headers().set(HttpHeaderNames.ALLOW, "GET, HEAD");
      respond(ctx, refused, keepAlive);
      return;
    }
    Map<String, String> query = new HashMap<>();
    for (Map.Entry<String, List<String>> e : uri.parameters().entrySet()) {
      query.put(e.getKey(), e.getValue().get(0));
    }
    HttpExchange exchange = new HttpExchange(uri.path(), query,
        (InetSocketAddress) ctx.channel().remoteAddress());
    CompletableFuture<HttpAnswer> answer;
    try {
      answer = CompletableFuture.supplyAsync(() -> call(endpoint, exchange), handlers);
    } catch (RejectedExecutionException e) {
      respond(ctx, text(HttpResponseStatus.SERVICE_UNAVAILABLE, "busy, try again\n"), false, head);
      return;
    }
    answer.orTimeout(limits.handler().toNanos(), TimeUnit.NANOSECONDS)
        .whenComplete((done, failure) -> ctx.executor().execute(() -> {
          if (failure == null) {
            respond(ctx, toResponse(done), keepAlive, head);
          } else if (failure instanceof TimeoutException) {
            answer.cancel(true);
            respond(ctx, text(HttpResponseStatus.SERVICE_UNAVAILABLE, "timed out\n"), false, head);
          } else {
            LOG.warn("HTTP endpoint {} failed: {}", exchange.path(), failure.toString());
            respond(ctx, text(HttpResponseStatus.INTERNAL_SERVER_ERROR, "internal error\n"),
                keepAlive, head);
          }
        }));
  }

  private static HttpAnswer call(HttpEndpoint endpoint, HttpExchange exchange) {
    try {
      return endpoint.answer(exchange);
    } catch (RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new IllegalStateException(e.getMessage(), e);
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (!(cause instanceof WriteTimeoutException)) {
      LOG.debug("HTTP connection failed: {}", cause.toString());
    }
    ctx.close();
  }

  private void respond(ChannelHandlerContext ctx, FullHttpResponse response, boolean keepAlive) {
    respond(ctx, response, keepAlive, false);
  }

  private void respond(ChannelHandlerContext ctx, FullHttpResponse response, boolean keepAlive,
      boolean head) {
    if (!ctx.channel().isActive()) {
      response.release();
      return;
    }
    HttpUtil.setContentLength(response, response.content().readableBytes());
    if (head) {
      response.content().clear();
    }
    response.headers().set(HttpHeaderNames.CONNECTION,
        keepAlive ? HttpHeaderValues.KEEP_ALIVE : HttpHeaderValues.CLOSE);
    ChannelFuture written = ctx.writeAndFlush(response);
    if (!keepAlive) {
      written.addListener(ChannelFutureListener.CLOSE);
      return;
    }
    written.addListener(f -> {
      if (f.isSuccess() && ctx.channel().isActive()) {
        armRequestTimer(ctx);
        ctx.channel().config().setAutoRead(true);
      }
    });
  }

  private void armRequestTimer(ChannelHandlerContext ctx) {
    cancelRequestTimer();
    requestTimer = ctx.executor().schedule(() -> respond(ctx,
        text(HttpResponseStatus.REQUEST_TIMEOUT, "request timeout\n"), false),
        limits.request().toNanos(), TimeUnit.NANOSECONDS);
  }

  private void cancelRequestTimer() {
    if (requestTimer != null) {
      requestTimer.cancel(false);
      requestTimer = null;
    }
  }

  private static FullHttpResponse toResponse(HttpAnswer answer) {
    FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
        HttpResponseStatus.valueOf(answer.status()), Unpooled.wrappedBuffer(answer.body()));
    response.headers().set(HttpHeaderNames.CONTENT_TYPE, answer.contentType());
    return response;
  }

  private static FullHttpResponse text(HttpResponseStatus status, String body) {
    FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
        Unpooled.copiedBuffer(body, StandardCharsets.UTF_8));
    response.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpAnswer.TEXT);
    return response;
  }
}
