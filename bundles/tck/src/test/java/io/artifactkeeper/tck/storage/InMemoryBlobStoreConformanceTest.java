package io.artifactkeeper.tck.storage;

import java.util.OptionalLong;

import io.artifactkeeper.api.storage.BlobStore;

/** The kit passes on a correct reference store, with every optional hook implemented. */
class InMemoryBlobStoreConformanceTest extends BlobStoreConformance {

    private InMemoryBlobStore memory;

    @Override
    protected BlobStore createStore() {
        memory = new InMemoryBlobStore();
        return memory;
    }

    @Override
    protected boolean makeUnwritable() {
        memory.unwritable = true;
        return true;
    }

    @Override
    protected void makeWritable() {
        memory.unwritable = false;
    }

    @Override
    protected OptionalLong temporaryObjectCount() {
        return OptionalLong.of(memory.temporaries());
    }

    @Override
    protected long largeBlobSize() {
        return 16L << 20; // the reference store buffers blobs in memory
    }
}
