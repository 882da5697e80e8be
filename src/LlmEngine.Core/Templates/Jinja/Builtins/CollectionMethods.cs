namespace LlmEngine.Templates.Jinja;

/// <summary>
/// The Python dict and list methods templates call: <c>d.get(k)</c>, <c>d.items()</c>, <c>d.keys()</c>,
/// <c>d.values()</c>, <c>xs.append(x)</c>, <c>xs.index(x)</c>, ... (<c>items()</c> returns a list of pairs).
/// </summary>
internal static class CollectionMethods
{
    private static readonly HashSet<string> s_dictMethods =
        ["get", "items", "keys", "values", "copy", "update", "pop", "setdefault", "clear"];

    /// <summary>Whether a dict attribute of this name is a method (methods win over items, as in Jinja).</summary>
    public static bool IsDictMethod(string name) => s_dictMethods.Contains(name);

    /// <summary>The dict's bound method <paramref name="name"/>, or null.</summary>
    public static JinjaCallable? TryBindDict(JinjaDict self, string name) => name switch
    {
        "get" => new JinjaCallable(name, (_, a) =>
            self.Items.TryGetValue(a.Require(0, "key", "get"), out var v) ? v : a.Get(1, "default", JinjaNone.Instance)),
        "items" => new JinjaCallable(name, (_, _) => Items(self)),
        "keys" => new JinjaCallable(name, (_, _) => new JinjaList([.. self.Items.Keys])),
        "values" => new JinjaCallable(name, (_, _) => new JinjaList([.. self.Items.Values])),
        "copy" => new JinjaCallable(name, (_, _) => Copy(self)),
        "update" => new JinjaCallable(name, (_, a) =>
        {
            if (a.Count > 0)
            {
                Globals.CopyInto(self, a.Positional[0]);
            }
            foreach (var (key, value) in a.Keywords ?? [])
            {
                self.Set(key, value);
            }
            return JinjaNone.Instance;
        }),
        "pop" => new JinjaCallable(name, (_, a) =>
        {
            var key = a.Require(0, "key", "pop");
            if (self.Items.Remove(key, out var value))
            {
                return value;
            }
            return a.Get(1, "default") ?? throw new TemplateError($"KeyError: {key.ToRepr()}");
        }),
        "setdefault" => new JinjaCallable(name, (_, a) =>
        {
            var key = a.Require(0, "key", "setdefault");
            if (!self.Items.TryGetValue(key, out var value))
            {
                value = a.Get(1, "default", JinjaNone.Instance);
                self.Items[key] = value;
            }
            return value;
        }),
        "clear" => new JinjaCallable(name, (_, _) =>
        {
            self.Items.Clear();
            return JinjaNone.Instance;
        }),
        _ => null,
    };

    /// <summary>The list's bound method <paramref name="name"/>, or null.</summary>
    public static JinjaCallable? TryBindList(JinjaList self, string name) => name switch
    {
        "index" => new JinjaCallable(name, (_, a) =>
        {
            var wanted = a.Require(0, "value", "index");
            for (var i = 0; i < self.Items.Count; i++)
            {
                if (Operators.AreEqual(self.Items[i], wanted))
                {
                    return JinjaInt.Of(i);
                }
            }
            throw new TemplateError($"{wanted.ToRepr()} is not in list");
        }),
        "count" => new JinjaCallable(name, (_, a) =>
        {
            var wanted = a.Require(0, "value", "count");
            var count = 0;
            foreach (var item in self.Items)
            {
                count += Operators.AreEqual(item, wanted) ? 1 : 0;
            }
            return JinjaInt.Of(count);
        }),
        "copy" when !self.IsTuple => new JinjaCallable(name, (_, _) => new JinjaList([.. self.Items])),
        "append" when !self.IsTuple => Mutator(self, name, (interpreter, a) => self.Items.Add(a.Require(0, "object", "append"))),
        "extend" when !self.IsTuple => Mutator(self, name, (interpreter, a) => self.Items.AddRange(a.Require(0, "iterable", "extend").Iterate())),
        "insert" when !self.IsTuple => Mutator(self, name, (interpreter, a) =>
        {
            var index = (int)Operators.ToLong(a.Require(0, "index", "insert"));
            index = index < 0 ? Math.Max(0, index + self.Items.Count) : Math.Min(index, self.Items.Count);
            self.Items.Insert(index, a.Require(1, "object", "insert"));
        }),
        "remove" when !self.IsTuple => Mutator(self, name, (interpreter, a) =>
        {
            var wanted = a.Require(0, "value", "remove");
            var at = self.Items.FindIndex(item => Operators.AreEqual(item, wanted));
            if (at < 0)
            {
                throw new TemplateError("list.remove(x): x not in list");
            }
            self.Items.RemoveAt(at);
        }),
        "reverse" when !self.IsTuple => Mutator(self, name, (interpreter, a) => self.Items.Reverse()),
        "clear" when !self.IsTuple => Mutator(self, name, (interpreter, a) => self.Items.Clear()),
        "pop" when !self.IsTuple => new JinjaCallable(name, (_, a) =>
        {
            if (self.Items.Count == 0)
            {
                throw new TemplateError("pop from empty list");
            }
            var index = a.Get(0, "index") is { } i ? (int)Operators.ToLong(i) : -1;
            if (index < 0)
            {
                index += self.Items.Count;
            }
            if (index < 0 || index >= self.Items.Count)
            {
                throw new TemplateError("pop index out of range");
            }
            var value = self.Items[index];
            self.Items.RemoveAt(index);
            return value;
        }),
        _ => null,
    };

    /// <summary>The dict's items as a list of (key, value) tuples.</summary>
    public static JinjaList Items(JinjaDict dict)
    {
        var pairs = new List<JinjaValue>(dict.Items.Count);
        foreach (var (key, value) in dict.Items)
        {
            pairs.Add(JinjaList.Tuple(key, value));
        }
        return new JinjaList(pairs);
    }

    private static JinjaDict Copy(JinjaDict dict)
    {
        var copy = new JinjaDict(dict.Items.Count);
        foreach (var (key, value) in dict.Items)
        {
            copy.Items[key] = value;
        }
        return copy;
    }

    // A method that changes the list in place and returns None; growth counts against the output limit.
    private static JinjaCallable Mutator(JinjaList self, string name, Action<Interpreter, Arguments> mutate) =>
        new(name, (interpreter, a) =>
        {
            mutate(interpreter, a);
            Operators.CheckLength(self.Items.Count, interpreter.Options.MaxOutputLength);
            return JinjaNone.Instance;
        });
}
