package dev.egresskit.core.cache;

class CaffeineSourceCacheTest extends SourceCacheContractTest {
  @Override
  SourceCacheFactory factory() {
    return new CaffeineCacheFactory();
  }
}
