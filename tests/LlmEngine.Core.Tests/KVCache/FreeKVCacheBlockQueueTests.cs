using LlmEngine.KVCache;
using NUnit.Framework;

namespace LlmEngine.Tests.KVCache;

public class FreeKVCacheBlockQueueTests
{
    [Test]
    public void PopsInOrderRemovesFromTheMiddleAndAppendsAtTheBack()
    {
        var blocks = Enumerable.Range(0, 5).Select(i => new KVCacheBlock(i)).ToArray();
        var queue = new FreeKVCacheBlockQueue(blocks);
        Assert.That(queue.Count, Is.EqualTo(5));

        queue.Remove(blocks[2]);
        Assert.That(queue.GetBlockIds(), Is.EqualTo(new[] { 0, 1, 3, 4 }));
        Assert.That(queue.PopLeft().BlockId, Is.EqualTo(0));
        queue.Append(blocks[0]);
        queue.Append(blocks[2]);
        Assert.That(queue.GetBlockIds(), Is.EqualTo(new[] { 1, 3, 4, 0, 2 }));
        Assert.That(queue.Count, Is.EqualTo(5));
    }

    [Test]
    public void RejectsDoubleAppendAndRemovingABlockThatIsNotFree()
    {
        var blocks = new[] { new KVCacheBlock(0), new KVCacheBlock(1) };
        var queue = new FreeKVCacheBlockQueue(blocks);
        Assert.Throws<InvalidOperationException>(() => queue.Append(blocks[0]));
        var popped = queue.PopLeft();
        Assert.Throws<InvalidOperationException>(() => queue.Remove(popped));
        queue.PopLeft();
        Assert.Throws<InvalidOperationException>(() => queue.PopLeft());
    }
}
