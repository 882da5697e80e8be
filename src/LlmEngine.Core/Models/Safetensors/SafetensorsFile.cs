using System.Buffers.Binary;
using System.IO.MemoryMappedFiles;

namespace LlmEngine.Models.Safetensors;

/// <summary>
/// A safetensors file opened with its data memory-mapped: an 8-byte little-endian header length, a JSON header naming
/// each tensor's dtype, shape and byte range, then the raw bytes. The header is validated against the file size on
/// open; tensor bytes are never copied. Names are the file's own (Hugging Face naming).
/// </summary>
public sealed unsafe class SafetensorsFile : IDisposable
{
    /// <summary>The largest header accepted (100 MB), as the reference implementation limits it.</summary>
    public const long MaxHeaderLength = 100_000_000;

    private readonly MemoryMappedFile _map;
    private readonly MemoryMappedViewAccessor _view;
    private readonly byte* _base;
    private readonly Dictionary<string, SafetensorsTensorInfo> _byName;
    private bool _disposed;

    private SafetensorsFile(string path, MemoryMappedFile map, MemoryMappedViewAccessor view, byte* basePtr, long fileLength)
    {
        SourcePath = path;
        _map = map;
        _view = view;
        _base = basePtr;
        FileLength = fileLength;
        _byName = new Dictionary<string, SafetensorsTensorInfo>(StringComparer.Ordinal);
        Tensors = [];
        Metadata = new Dictionary<string, string>();
    }

    /// <summary>The file's full path.</summary>
    public string SourcePath { get; }

    /// <summary>Size of the file in bytes.</summary>
    public long FileLength { get; }

    /// <summary>Absolute file offset of the data section (8 plus the header length).</summary>
    public long DataOffset { get; private set; }

    /// <summary>The <c>__metadata__</c> entries (empty when the header has none).</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; private set; }

    /// <summary>The tensors in header order.</summary>
    public IReadOnlyList<SafetensorsTensorInfo> Tensors { get; private set; }

    /// <summary>Opens and validates a safetensors file. Throws <see cref="ModelLoadException"/> naming the file and the problem.</summary>
    public static SafetensorsFile Open(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var fullPath = Path.GetFullPath(path);
        long length;
        try
        {
            var info = ModelFileInfo.Of(fullPath);
            if (!info.Exists)
            {
                throw new ModelLoadException(fullPath, "file not found");
            }
            length = info.Length;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException)
        {
            throw new ModelLoadException(fullPath, "cannot read the file: " + e.Message, e);
        }
        if (length < 8)
        {
            throw new ModelLoadException(fullPath, $"file is truncated: {length} bytes cannot hold the 8-byte header length");
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
            var file = new SafetensorsFile(fullPath, map, view, ptr, length);
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
        var headerLength = BinaryPrimitives.ReadUInt64LittleEndian(new ReadOnlySpan<byte>(_base, 8));
        if (headerLength > MaxHeaderLength)
        {
            throw new ModelLoadException(SourcePath, $"header length {headerLength} is over the {MaxHeaderLength}-byte limit: not a safetensors file, or corrupt");
        }
        if (headerLength > (ulong)(FileLength - 8))
        {
            throw new ModelLoadException(SourcePath, $"file is truncated: the header needs {headerLength} bytes but only {FileLength - 8} follow the length");
        }
        DataOffset = 8 + (long)headerLength;
        // The header is small and parsed once; copying it lets the JSON parser own its buffer. The data is never copied.
        var header = new ReadOnlySpan<byte>(_base + 8, (int)headerLength).ToArray();
        var (tensors, metadata) = SafetensorsHeader.Parse(header, FileLength - DataOffset, SourcePath);
        foreach (var tensor in tensors)
        {
            _byName.Add(tensor.Name, tensor);
        }
        Tensors = tensors;
        Metadata = metadata;
    }

    /// <summary>Finds a tensor's entry by name.</summary>
    public SafetensorsTensorInfo? FindTensor(string name) => _byName.GetValueOrDefault(name);

    /// <summary>
    /// A view of a tensor's mapped bytes by its stored name. Throws <see cref="ModelLoadException"/> when the tensor's
    /// dtype is not one the engine computes with (F32, F16, BF16).
    /// </summary>
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

    /// <summary>
    /// A view of a tensor's mapped bytes, named <paramref name="name"/> (the stored name when null). Throws
    /// <see cref="ModelLoadException"/> when the tensor's dtype is not F32, F16 or BF16.
    /// </summary>
    public TensorView GetView(SafetensorsTensorInfo info, string? name = null)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (info.Type is not { } type)
        {
            throw new ModelLoadException(SourcePath, $"tensor '{info.Name}' has dtype {info.DType}, which the engine cannot compute with (F32, F16 and BF16 are supported)");
        }
        return new TensorView(name ?? info.Name, type, info.Shape, (nint)(_base + DataOffset + info.Offset), info.ByteLength);
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
