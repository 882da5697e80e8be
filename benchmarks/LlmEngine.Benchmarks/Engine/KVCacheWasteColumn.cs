using System.Globalization;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace LlmEngine.Benchmarks.Engine;

/// <summary>
/// A summary column with one waste figure of the benchmark's scenario. The scenario is deterministic for its seed,
/// so the column reruns it rather than carrying state out of the (possibly separate) benchmark process.
/// </summary>
internal sealed class KVCacheWasteColumn : IColumn
{
    private readonly string _name;
    private readonly Func<KVCacheWasteResult, double> _select;

    public KVCacheWasteColumn(string name, Func<KVCacheWasteResult, double> select)
    {
        _name = name;
        _select = select;
    }

    public string Id => nameof(KVCacheWasteColumn) + "." + _name;

    public string ColumnName => _name;

    public bool AlwaysShow => true;

    public ColumnCategory Category => ColumnCategory.Custom;

    public int PriorityInCategory => 0;

    public bool IsNumeric => true;

    public UnitType UnitType => UnitType.Dimensionless;

    public string Legend => $"KV-cache {_name}: allocated-but-unused slots / allocated slots";

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
    {
        var seed = (int)benchmarkCase.Parameters[nameof(KVCacheWasteBenchmark.Seed)];
        return _select(KVCacheWasteScenario.Run(seed)).ToString("P2", CultureInfo.InvariantCulture);
    }

    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;

    public bool IsAvailable(Summary summary) => true;
}
