using System.Runtime.InteropServices;
using LlmEngine.Models;
using NUnit.Framework;

namespace LlmEngine.Tests.Embeddings;

/// <summary>
/// BERT's forward pass written the plain way, in double precision, from Transformers' <c>BertModel</c> definition:
/// word + position + type-0 embeddings, LayerNorm, then per layer self-attention (no mask, one sequence), dense +
/// residual + LayerNorm, intermediate dense with erf GELU, dense + residual + LayerNorm. The reference the encoder's
/// float32 kernels are checked against; it shares no code with them.
/// </summary>
internal sealed class BertReference
{
    private readonly ITensorSource _source;
    private readonly ModelConfig _config;
    private readonly Dictionary<string, double[][]> _matrices = [];

    public BertReference(ITensorSource source, ModelConfig config)
    {
        _source = source;
        _config = config;
    }

    /// <summary>The final hidden state of every token of <paramref name="ids"/>: [token][hidden].</summary>
    public double[][] HiddenStates(int[] ids)
    {
        int n = ids.Length, d = _config.HiddenSize, heads = _config.NumHeads, hd = d / heads;
        double eps = _config.LayerNormEpsilon;
        var words = Matrix("token_embd.weight");
        var positions = Matrix("position_embd.weight");
        var types = Matrix("token_types.weight");
        var x = new double[n][];
        for (var t = 0; t < n; t++)
        {
            x[t] = new double[d];
            for (var i = 0; i < d; i++)
            {
                x[t][i] = words[ids[t]][i] + positions[t][i] + types[0][i];
            }
            x[t] = LayerNorm(x[t], Vector("token_embd_norm.weight"), Vector("token_embd_norm.bias"), eps);
        }
        for (var l = 0; l < _config.NumLayers; l++)
        {
            var p = $"blk.{l}.";
            var q = Linear(x, p + "attn_q");
            var k = Linear(x, p + "attn_k");
            var v = Linear(x, p + "attn_v");
            var context = new double[n][];
            for (var t = 0; t < n; t++)
            {
                context[t] = new double[d];
                for (var h = 0; h < heads; h++)
                {
                    var scores = new double[n];
                    for (var j = 0; j < n; j++)
                    {
                        double dot = 0;
                        for (var i = 0; i < hd; i++)
                        {
                            dot += q[t][h * hd + i] * k[j][h * hd + i];
                        }
                        scores[j] = dot / Math.Sqrt(hd);
                    }
                    var max = scores.Max();
                    var sum = 0.0;
                    for (var j = 0; j < n; j++)
                    {
                        scores[j] = Math.Exp(scores[j] - max);
                        sum += scores[j];
                    }
                    for (var j = 0; j < n; j++)
                    {
                        for (var i = 0; i < hd; i++)
                        {
                            context[t][h * hd + i] += scores[j] / sum * v[j][h * hd + i];
                        }
                    }
                }
            }
            var attention = Linear(context, p + "attn_output");
            for (var t = 0; t < n; t++)
            {
                x[t] = LayerNorm(Add(attention[t], x[t]), Vector(p + "attn_output_norm.weight"), Vector(p + "attn_output_norm.bias"), eps);
            }
            var up = Linear(x, p + "ffn_up");
            foreach (var row in up)
            {
                for (var i = 0; i < row.Length; i++)
                {
                    row[i] = 0.5 * row[i] * (1 + Erf(row[i] / Math.Sqrt(2)));
                }
            }
            var down = Linear(up, p + "ffn_down");
            for (var t = 0; t < n; t++)
            {
                x[t] = LayerNorm(Add(down[t], x[t]), Vector(p + "layer_output_norm.weight"), Vector(p + "layer_output_norm.bias"), eps);
            }
        }
        return x;
    }

    /// <summary>erf by its Maclaurin series (double precision is ample for |x| up to 5), exactly ±1 beyond.</summary>
    public static double Erf(double x)
    {
        if (Math.Abs(x) > 5)
        {
            return Math.Sign(x);
        }
        double term = x, sum = x;
        for (var n = 1; n < 200; n++)
        {
            term *= -x * x / n;
            var next = term / (2 * n + 1);
            sum += next;
            if (Math.Abs(next) < 1e-17)
            {
                break;
            }
        }
        return 2 / Math.Sqrt(Math.PI) * sum;
    }

    private double[][] Linear(double[][] x, string name)
    {
        var w = Matrix(name + ".weight");
        var b = Vector(name + ".bias");
        var y = new double[x.Length][];
        for (var t = 0; t < x.Length; t++)
        {
            y[t] = new double[w.Length];
            for (var o = 0; o < w.Length; o++)
            {
                var sum = b[o];
                for (var i = 0; i < x[t].Length; i++)
                {
                    sum += w[o][i] * x[t][i];
                }
                y[t][o] = sum;
            }
        }
        return y;
    }

    private static double[] LayerNorm(double[] x, double[] weight, double[] bias, double eps)
    {
        var mean = x.Average();
        var variance = x.Select(v => (v - mean) * (v - mean)).Average();
        return x.Select((v, i) => (v - mean) / Math.Sqrt(variance + eps) * weight[i] + bias[i]).ToArray();
    }

    private static double[] Add(double[] a, double[] b) => a.Select((v, i) => v + b[i]).ToArray();

    private double[] Vector(string name) => Floats(name).Select(f => (double)f).ToArray();

    /// <summary>Rows of the tensor (one per output, Shape[0] inputs each), converted once.</summary>
    private double[][] Matrix(string name)
    {
        if (_matrices.TryGetValue(name, out var cached))
        {
            return cached;
        }
        Assert.That(_source.TryGetTensor(name, out var tensor), Is.True, name);
        var floats = Floats(name);
        var columns = (int)tensor.Shape[0];
        var rows = new double[floats.Length / columns][];
        for (var r = 0; r < rows.Length; r++)
        {
            rows[r] = new double[columns];
            for (var c = 0; c < columns; c++)
            {
                rows[r][c] = floats[r * columns + c];
            }
        }
        _matrices[name] = rows;
        return rows;
    }

    private float[] Floats(string name)
    {
        Assert.That(_source.TryGetTensor(name, out var tensor), Is.True, name);
        Assert.That(tensor.Type, Is.EqualTo(GgmlType.F32), name);
        return MemoryMarshal.Cast<byte, float>(tensor.Bytes).ToArray();
    }
}
