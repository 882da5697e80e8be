using System.Text.Json;
using LlmEngine.Models.Safetensors;

namespace LlmEngine.Models.HuggingFace;

/// <summary>
/// Opens a folder's weights: <c>model.safetensors</c>, or every shard named by <c>model.safetensors.index.json</c>
/// with its <c>weight_map</c> checked against what each shard really holds.
/// </summary>
internal static class SafetensorsCheckpoint
{
    public const string SingleFileName = "model.safetensors";
    public const string IndexFileName = "model.safetensors.index.json";

    /// <summary>The opened shards and, for each stored tensor name, the shard holding it.</summary>
    public static (List<SafetensorsFile> Shards, Dictionary<string, (SafetensorsFile Shard, SafetensorsTensorInfo Info)> Tensors) Open(string folder)
    {
        var single = Path.Combine(folder, SingleFileName);
        var index = Path.Combine(folder, IndexFileName);
        if (File.Exists(single))
        {
            var file = SafetensorsFile.Open(single);
            var tensors = new Dictionary<string, (SafetensorsFile, SafetensorsTensorInfo)>(StringComparer.Ordinal);
            foreach (var info in file.Tensors)
            {
                tensors.Add(info.Name, (file, info));
            }
            return ([file], tensors);
        }
        if (!File.Exists(index))
        {
            throw new ModelLoadException(folder, $"no weights: neither {SingleFileName} nor {IndexFileName} is in the folder");
        }
        var weightMap = JsonObjectReader.ReadFile(index, ReadWeightMap);
        var shards = new List<SafetensorsFile>();
        try
        {
            return (shards, OpenShards(folder, index, weightMap, shards));
        }
        catch
        {
            foreach (var shard in shards)
            {
                shard.Dispose();
            }
            throw;
        }
    }

    private static List<(string Tensor, string Shard)> ReadWeightMap(JsonObjectReader json)
    {
        var map = json.Object("weight_map") ?? throw json.Error("weight_map", "is missing");
        var entries = new List<(string, string)>();
        foreach (var (tensor, value) in map.Properties())
        {
            if (value.ValueKind != JsonValueKind.String)
            {
                throw map.Error(tensor, "does not name a shard file");
            }
            entries.Add((tensor, value.GetString()!));
        }
        return entries;
    }

    private static Dictionary<string, (SafetensorsFile, SafetensorsTensorInfo)> OpenShards(
        string folder, string index, List<(string Tensor, string Shard)> weightMap, List<SafetensorsFile> shards)
    {
        var byFileName = new Dictionary<string, SafetensorsFile>(StringComparer.Ordinal);
        foreach (var (tensor, shardName) in weightMap)
        {
            if (byFileName.ContainsKey(shardName))
            {
                continue;
            }
            // A shard is a file beside the index; anything else (a path, "..") could read outside the model folder.
            if (shardName.Length == 0 || Path.GetFileName(shardName) != shardName || shardName is "." or ".."
                || shardName.IndexOfAny(Path.GetInvalidFileNameChars()) >= 0)
            {
                throw new ModelLoadException(index, $"weight_map puts '{tensor}' in '{shardName}', which is not a file name in the folder");
            }
            var shard = SafetensorsFile.Open(Path.Combine(folder, shardName));
            shards.Add(shard);
            byFileName.Add(shardName, shard);
        }

        var tensors = new Dictionary<string, (SafetensorsFile, SafetensorsTensorInfo)>(StringComparer.Ordinal);
        foreach (var shard in shards)
        {
            foreach (var info in shard.Tensors)
            {
                if (!tensors.TryAdd(info.Name, (shard, info)))
                {
                    throw new ModelLoadException(folder, $"tensor '{info.Name}' is stored in both {Path.GetFileName(tensors[info.Name].Item1.SourcePath)} and {Path.GetFileName(shard.SourcePath)}");
                }
            }
        }
        foreach (var (tensor, shardName) in weightMap)
        {
            if (byFileName[shardName].FindTensor(tensor) is null)
            {
                throw new ModelLoadException(index, $"weight_map puts '{tensor}' in {shardName}, but that file has no such tensor");
            }
        }
        return tensors;
    }
}
