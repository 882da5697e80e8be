namespace LlmEngine.Scheduling;

/// <summary>Lowest <see cref="Request.Priority"/> first, then earliest arrival; a preempted request keeps its place by key.</summary>
internal sealed class PriorityRequestQueue : RequestQueue
{
    private readonly SortedSet<Request> _set = new(PriorityComparer.Instance);

    public override int Count => _set.Count;

    public override Request Peek() => _set.Count > 0 ? _set.Min! : throw new InvalidOperationException("The waiting queue is empty.");

    public override Request Pop()
    {
        var request = Peek();
        _set.Remove(request);
        return request;
    }

    public override void Add(Request request) => _set.Add(request);

    public override void AddFront(Request request) => _set.Add(request);

    public override bool Remove(Request request) => _set.Remove(request);

    /// <summary>Orders by (priority, arrival): the scheduling order, and in reverse the preemption order.</summary>
    internal sealed class PriorityComparer : IComparer<Request>
    {
        public static PriorityComparer Instance { get; } = new();

        public int Compare(Request? x, Request? y)
        {
            if (ReferenceEquals(x, y))
            {
                return 0;
            }
            var c = x!.Priority.CompareTo(y!.Priority);
            return c != 0 ? c : x.ArrivalOrder.CompareTo(y.ArrivalOrder);
        }
    }
}
