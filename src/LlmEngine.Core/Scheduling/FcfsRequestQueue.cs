namespace LlmEngine.Scheduling;

/// <summary>First come, first served: a ring-buffer deque so preempted requests go back to the front in O(1).</summary>
internal sealed class FcfsRequestQueue : RequestQueue
{
    private Request[] _items = new Request[16];
    private int _head;
    private int _count;

    public override int Count => _count;

    public override Request Peek() => _count > 0 ? _items[_head] : throw new InvalidOperationException("The waiting queue is empty.");

    public override Request Pop()
    {
        var request = Peek();
        _items[_head] = null!;
        _head = (_head + 1) % _items.Length;
        _count--;
        return request;
    }

    public override void Add(Request request)
    {
        Grow();
        _items[(_head + _count) % _items.Length] = request;
        _count++;
    }

    public override void AddFront(Request request)
    {
        Grow();
        _head = (_head - 1 + _items.Length) % _items.Length;
        _items[_head] = request;
        _count++;
    }

    public override bool Remove(Request request)
    {
        for (var i = 0; i < _count; i++)
        {
            if (_items[(_head + i) % _items.Length] != request)
            {
                continue;
            }
            for (var j = i; j < _count - 1; j++)
            {
                _items[(_head + j) % _items.Length] = _items[(_head + j + 1) % _items.Length];
            }
            _items[(_head + _count - 1) % _items.Length] = null!;
            _count--;
            return true;
        }
        return false;
    }

    private void Grow()
    {
        if (_count < _items.Length)
        {
            return;
        }
        var items = new Request[_items.Length * 2];
        for (var i = 0; i < _count; i++)
        {
            items[i] = _items[(_head + i) % _items.Length];
        }
        _items = items;
        _head = 0;
    }
}
