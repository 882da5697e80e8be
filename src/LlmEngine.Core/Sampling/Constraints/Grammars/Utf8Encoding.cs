using System.Collections.Concurrent;
using System.Text;

namespace LlmEngine.Sampling.Constraints.Grammars;

/// <summary>
/// Lowers a set of code points to byte-level alternatives shaped like a UTF-8 decoder: one alternative per group of
/// lead bytes that share the same continuation subtree, and continuation subtrees shared by value. A large irregular
/// set (thousands of ranges) so becomes tens of alternatives instead of thousands of byte-range sequences, which keeps
/// the matcher's states small.
/// </summary>
internal static class Utf8Encoding
{
    private const int MaxCachedSets = 512;

    private static readonly ConcurrentDictionary<CodePointSet, Utf8Template> s_templates = new();

    /// <summary>The lowering of <paramref name="set"/>, computed once per set and shared by every grammar.</summary>
    public static Utf8Template Template(CodePointSet set)
    {
        if (s_templates.TryGetValue(set, out var template))
        {
            return template;
        }
        var nodes = new List<List<List<DraftElement>>>();
        var keys = new Dictionary<string, int>(StringComparer.Ordinal);
        int Node(string key, Func<List<List<DraftElement>>> build)
        {
            if (keys.TryGetValue(key, out var id))
            {
                return id;
            }
            id = nodes.Count;
            keys[key] = id;
            nodes.Add([]);
            nodes[id] = build();
            return id;
        }
        template = new Utf8Template(Alternatives(set, Node), nodes);
        if (s_templates.Count >= MaxCachedSets)
        {
            s_templates.Clear();
        }
        s_templates.TryAdd(set, template);
        return template;
    }

    // The alternatives for `set`; `node` returns the id of a continuation subtree, given its key and a builder.
    private static List<List<DraftElement>> Alternatives(CodePointSet set, Func<string, Func<List<List<DraftElement>>>, int> node)
    {
        var result = new List<List<DraftElement>>();
        var ascii = ByteSet.Empty;
        foreach (var (lo, hi) in set.Intersect(CodePointSet.Range(0, 0x7F)).Ranges)
        {
            ascii = ascii.Union(ByteSet.Range(lo, hi));
        }
        if (!ascii.IsEmpty)
        {
            result.Add([Terminal(ascii)]);
        }
        // (continuation bytes, lead-byte prefix, first code point, last code point)
        foreach (var (continuations, leadBase, first, last) in (ReadOnlySpan<(int, int, int, int)>)[(1, 0xC0, 0x80, 0x7FF), (2, 0xE0, 0x800, 0xFFFF), (3, 0xF0, 0x10000, 0x10FFFF)])
        {
            var part = set.Intersect(CodePointSet.Range(first, last)).Ranges;
            if (part.Count == 0)
            {
                continue;
            }
            var groups = new Dictionary<int, ByteSet>();
            var order = new List<int>();
            foreach (var (lead, sub) in Buckets(part, 6 * continuations))
            {
                var child = Node(continuations, sub, node);
                if (!groups.TryGetValue(child, out var leads))
                {
                    order.Add(child);
                }
                groups[child] = leads.Union(ByteSet.Single((byte)(leadBase | lead)));
            }
            foreach (var child in order)
            {
                result.Add([Terminal(groups[child]), new DraftElement(false, default, child, 1, 1)]);
            }
        }
        return result;
    }

    // A subtree reading `depth` continuation bytes whose 6-bit payloads spell a value in `ranges`.
    private static int Node(int depth, List<(int Lo, int Hi)> ranges, Func<string, Func<List<List<DraftElement>>>, int> node)
    {
        var key = new StringBuilder().Append(depth);
        foreach (var (lo, hi) in ranges)
        {
            key.Append(':').Append(lo).Append('-').Append(hi);
        }
        return node(key.ToString(), () =>
        {
            var groups = new Dictionary<int, ByteSet>();
            var order = new List<int>();
            foreach (var (c, sub) in Buckets(ranges, 6 * (depth - 1)))
            {
                var child = depth == 1 ? -1 : Node(depth - 1, sub, node);
                if (!groups.TryGetValue(child, out var bytes))
                {
                    order.Add(child);
                }
                groups[child] = bytes.Union(ByteSet.Single((byte)(0x80 | c)));
            }
            var alternatives = new List<List<DraftElement>>();
            foreach (var child in order)
            {
                alternatives.Add(child < 0
                    ? [Terminal(groups[child])]
                    : [Terminal(groups[child]), new DraftElement(false, default, child, 1, 1)]);
            }
            return alternatives;
        });
    }

    // Splits ranges by their value >> shift, giving each bucket's ranges relative to the bucket start.
    private static IEnumerable<(int Bucket, List<(int Lo, int Hi)> Ranges)> Buckets(IReadOnlyList<(int Lo, int Hi)> ranges, int shift)
    {
        var size = 1 << shift;
        var current = -1;
        var list = new List<(int, int)>();
        foreach (var (lo, hi) in ranges)
        {
            var start = lo;
            while (start <= hi)
            {
                var bucket = start >> shift;
                var end = Math.Min(hi, ((bucket + 1) << shift) - 1);
                if (bucket != current)
                {
                    if (list.Count > 0)
                    {
                        yield return (current, list);
                    }
                    current = bucket;
                    list = [];
                }
                list.Add((start - (bucket << shift), end - (bucket << shift)));
                start = end + 1;
            }
        }
        if (list.Count > 0)
        {
            yield return (current, list);
        }
    }

    private static DraftElement Terminal(ByteSet set) => new(true, set, -1, 1, 1);
}

/// <summary>
/// A lowered character set: the root alternatives and the continuation subtrees, whose rule references are indices
/// into <see cref="Nodes"/> (a grammar adds its own rule-id offset when it copies them in).
/// </summary>
internal sealed record Utf8Template(List<List<DraftElement>> Root, List<List<List<DraftElement>>> Nodes);
