using System.Globalization;

namespace LlmEngine.Cli.Commands;

/// <summary>A one-line progress bar on standard error, redrawn at most every whole percent.</summary>
internal sealed class ConsoleProgressBar : IProgress<double>, IDisposable
{
    private const int Width = 40;
    private readonly string _label;
    private readonly Lock _gate = new();
    private int _lastPercent = -1;

    public ConsoleProgressBar(string label) => _label = label;

    public void Report(double value)
    {
        var percent = (int)Math.Clamp(value * 100, 0, 100);
        lock (_gate)
        {
            if (percent == _lastPercent)
            {
                return;
            }
            _lastPercent = percent;
            var filled = percent * Width / 100;
            Console.Error.Write($"\r{_label} [{new string('#', filled)}{new string('.', Width - filled)}] {percent.ToString(CultureInfo.InvariantCulture),3}%");
        }
    }

    public void Dispose()
    {
        if (_lastPercent >= 0)
        {
            Console.Error.WriteLine();
        }
    }
}
