using System.IO.MemoryMappedFiles;

namespace LlmEngine.Models.Gguf;

/// <summary>
/// A GGUF file (versions 2 and 3) opened with its tensor data memory-mapped: the header and metadata are parsed and
/// validated on open; weights are never copied.
/// </summary>
public sealed unsafe class GgufFile : ITensorSource
{
    /// <summary>"GGUF" read as a little-endian uint.</summary>
    public const uint Magic = 0x46554747;

    private const int MaxDimensions = 4;

    private readonly MemoryMappedFile _map;
    private readonly MemoryMappedViewAccessor _view;
    private readonly byte* _base;
    private readonly Dictionary<string, GgufTensorInfo> _byName;
    private bool _disposed;

    private GgufFile(string path, MemoryMappedFile map, MemoryMappedViewAccessor view, byte* basePtr, long fileLength)
    {
        SourcePath = path;
        _map = map;
        _view = view;
        _base = basePtr;
        FileLength = fileLength;
        _byName = new Dictionary<string, GgufTensorInfo>(StringComparer.Ordinal);
        Metadata = null!;
        Tensors = null!;
    }

    /// <inheritdoc />
    public string SourcePath { get; }

    /// <summary>Size of the file in bytes.</summary>
    public long FileLength { get; }

    /// <summary>The GGUF version (2 or 3).</summary>
    public uint Version { get; private set; }

    /// <summary>The key/value metadata.</summary>
    public GgufMetadata Metadata { get; private set; }

    /// <summary>The tensors in file order.</summary>
    public IReadOnlyList<GgufTensorInfo> Tensors { get; private set; }

    /// <summary>Absolute file offset of the data section.</summary>
    public long DataOffset { get; private set; }

    /// <inheritdoc />
    public IReadOnlyCollection<string> TensorNames => _byName.Keys;

    /// <summary>Opens and validates a GGUF file. Throws <see cref="ModelLoadException"/> naming the file and the problem.</summary>
    public static GgufFile Open(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var fullPath = Path.GetFullPath(path);
        FileInfo info;
        try
        {
            info = ModelFileInfo.Of(fullPath);
            if (!info.Exists)
            {
                throw new ModelLoadException(fullPath, "file not found");
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException)
        {
            throw new ModelLoadException(fullPath, "cannot read the file: " + e.Message, e);
        }
        if (info.Length < 24)
        {
            throw new ModelLoadException(fullPath, $"file is truncated: {info.Length} bytes is smaller than a GGUF header");
        }

        MemoryMappedFile? map = null;
        MemoryMappedViewAccessor? view = null;
        try
        {
            map = MemoryMappedFile.CreateFromFile(fullPath, FileMode.Open, null, 0, MemoryMappedFileAccess.Read);
            view = map.CreateViewAccessor(0, 0, MemoryMappedFileAccess.Read);
            byte* ptr = null;
            view.SafeMemoryMappedViewHandle.AcquirePointer(ref ptr);
            ptr += view.PointerOffset;
            var file = new GgufFile(fullPath, map, view, ptr, info.Length);
            try
            {
                file.Parse();
            }
            catch
            {
                file.Dispose();
                throw;
            }
            return file;
        }
        catch (ModelLoadException)
        {
            throw;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            view?.Dispose();
            map?.Dispose();
            throw new ModelLoadException(fullPath, "cannot map the file: " + e.Message, e);
        }
    }

    private void Parse()
    {
        var reader = new GgufReader(_base, FileLength, SourcePath);
        var magic = reader.ReadUInt32("magic");
        if (magic != Magic)
        {
            throw new ModelLoadException(SourcePath, $"not a GGUF file: bad magic 0x{magic:X8} (expected 'GGUF')");
        }
        Version = reader.ReadUInt32("version");
        if (Version is not (2 or 3))
        {
            var hint = Version == 1 ? " (GGUF v1 is obsolete; re-convert the model)"
                : Version > 0xFFFF ? " (the file may be big-endian, which is not supported)" : "";
            throw new ModelLoadException(SourcePath, $"unsupported GGUF version {Version}; versions 2 and 3 are supported{hint}");
        }
        // The smallest tensor info is a name length, ndims, one dim, type and offset: 8 + 4 + 8 + 4 + 8 bytes.
        var tensorCount = reader.ReadCount("tensor", 32);
        var kvCount = reader.ReadCount("metadata", 13);

        var entries = new List<KeyValuePair<string, (GgufValueType, object)>>(kvCount);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < kvCount; i++)
        {
            var key = reader.ReadString("metadata key");
            if (!seen.Add(key))
            {
                throw reader.Error($"duplicate metadata key '{key}'");
            }
            var type = (GgufValueType)reader.ReadUInt32($"type of '{key}'");
            entries.Add(new(key, reader.ReadValue(type, key, 0)));
        }
        Metadata = new GgufMetadata(entries);

        var alignmentValue = Metadata.GetInteger("general.alignment");
        var alignment = alignmentValue ?? 32;
        if (alignment <= 0 || alignment > 1 << 20 || (alignment & (alignment - 1)) != 0)
        {
            throw new ModelLoadException(SourcePath, $"general.alignment {alignment} is not a power of two up to 1 MiB");
        }

        var infos = new List<(string Name, GgmlType Type, long[] Shape, long Offset)>(tensorCount);
        for (var i = 0; i < tensorCount; i++)
        {
            var name = reader.ReadString("tensor name");
            var nDims = reader.ReadUInt32($"dimension count of '{name}'");
            if (nDims is 0 or > MaxDimensions)
            {
                throw reader.Error($"tensor '{name}' has {nDims} dimensions (1 to {MaxDimensions} allowed)");
            }
            var shape = new long[nDims];
            for (var d = 0; d < nDims; d++)
            {
                var dim = reader.ReadUInt64($"dimension {d} of '{name}'");
                if (dim > int.MaxValue)
                {
                    throw reader.Error($"tensor '{name}' dimension {d} is {dim}, larger than any real tensor");
                }
                shape[d] = (long)dim;
            }
            var typeId = reader.ReadUInt32($"type of '{name}'");
            var type = (GgmlType)typeId;
            if (!GgmlTypeInfo.IsKnown(type))
            {
                throw reader.Error($"tensor '{name}' has unknown tensor type {typeId}");
            }
            var offset = reader.ReadUInt64($"offset of '{name}'");
            if (offset > (ulong)FileLength)
            {
                throw reader.Error($"tensor '{name}' offset {offset} is outside the file ({FileLength} bytes)");
            }
            infos.Add((name, type, shape, (long)offset));
        }

        DataOffset = (reader.Position + alignment - 1) / alignment * alignment;
        var dataLength = FileLength - DataOffset;
        if (dataLength < 0 && tensorCount > 0)
        {
            throw new ModelLoadException(SourcePath, $"file is truncated: the data section would start at byte {DataOffset} past the end ({FileLength} bytes)");
        }

        var tensors = new List<GgufTensorInfo>(tensorCount);
        foreach (var (name, type, shape, offset) in infos)
        {
            long elements = 1;
            foreach (var d in shape)
            {
                if (d != 0 && elements > long.MaxValue / d)
                {
                    throw new ModelLoadException(SourcePath, $"tensor '{name}' shape [{string.Join(", ", shape)}] overflows");
                }
                elements *= d;
            }
            var blockSize = GgmlTypeInfo.BlockSize(type);
            if (shape[0] % blockSize != 0)
            {
                throw new ModelLoadException(SourcePath, $"tensor '{name}' row length {shape[0]} is not a multiple of {type}'s block size {blockSize}");
            }
            var blocks = elements / blockSize;
            var typeSize = GgmlTypeInfo.TypeSize(type);
            // The element count can fit in a long while its byte size does not; a wrapped size would pass the bounds check.
            if (blocks > long.MaxValue / typeSize)
            {
                throw new ModelLoadException(SourcePath, $"tensor '{name}' shape [{string.Join(", ", shape)}] of {type} is larger than any file");
            }
            var bytes = blocks * typeSize;
            if (offset % alignment != 0)
            {
                throw new ModelLoadException(SourcePath, $"tensor '{name}' offset {offset} is not aligned to {alignment}");
            }
            if (bytes > dataLength - offset)
            {
                throw new ModelLoadException(SourcePath, $"tensor '{name}' data of {bytes} bytes at offset {offset} lies outside the data section ({Math.Max(0, dataLength)} bytes): the file is truncated or corrupt");
            }
            var tensorInfo = new GgufTensorInfo(name, type, shape, offset, bytes);
            if (!_byName.TryAdd(name, tensorInfo))
            {
                throw new ModelLoadException(SourcePath, $"duplicate tensor name '{name}'");
            }
            tensors.Add(tensorInfo);
        }
        Tensors = tensors;
    }

    /// <summary>Finds a tensor's entry by name.</summary>
    public GgufTensorInfo? FindTensor(string name) => _byName.GetValueOrDefault(name);

    /// <inheritdoc />
    public bool TryGetTensor(string name, out TensorView tensor)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_byName.TryGetValue(name, out var info))
        {
            tensor = GetView(info);
            return true;
        }
        tensor = default;
        return false;
    }

    /// <summary>A view of a tensor's mapped bytes.</summary>
    public TensorView GetView(GgufTensorInfo info)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return new TensorView(info.Name, info.Type, info.Shape, (nint)(_base + DataOffset + info.Offset), info.ByteLength);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }
        _disposed = true;
        _view.SafeMemoryMappedViewHandle.ReleasePointer();
        _view.Dispose();
        _map.Dispose();
    }
}
