/*
 * Adds the rest of KumoMTA's kumo API (and kumo.sources) to the kumo object, before the
 * bootstrap freezes it. Evaluates to a function the bootstrap calls with the kumo object, the
 * bridge, and the JSON functions and error check it captured before any policy code ran.
 *
 * Values cross as JSON text; a library function handed to the script (a memoized function, a
 * regex method) arrives as {"$kumo_fn": i} and becomes a JavaScript function here. A script
 * function handed to the library (kumo.memoize's FUNCTION) is wrapped to take and return JSON.
 * Reading a name KumoMTA does not have throws "kumo.x is not part of KumoMTA's kumo API".
 */
(function (kumo, bridge, parse, stringify, checked, ErrorType, freeze, defineProperty) {
  'use strict';

  var names = parse(bridge.library_names());
  var call = bridge.library_call;
  var invoke = bridge.library_invoke;

  function scriptArgs(args) {
    var out = [];
    for (var i = 0; i < args.length; i++) {
      out.push(typeof args[i] === 'function' ? jsonFunction(args[i]) : args[i]);
    }
    return out;
  }

  function jsonFunction(fn) {
    return function (json) {
      var result = fn.apply(null, parse(json));
      return result === undefined ? undefined : stringify(result);
    };
  }

  function revive(raw) {
    var result = checked(raw);
    return parse(result.json, function (key, value) {
      if (value !== null && typeof value === 'object' && typeof value.$kumo_fn === 'number') {
        var handle = result['fn' + value.$kumo_fn];
        return function () {
          return revive(invoke(handle, scriptArgs(arguments)));
        };
      }
      return value;
    });
  }

  function libraryFunction(name) {
    return function () {
      return revive(call(name, scriptArgs(arguments)));
    };
  }

  function refuseUnknown(object, prefix) {
    defineProperty(object, '__noSuchProperty__', {
      value: function (key) {
        throw new ErrorType(prefix + '.' + key + " is not part of KumoMTA's kumo API");
      },
      enumerable: false
    });
  }

  var modules = { '': kumo };
  var order = [];
  for (var name in names) {
    var parts = name.split('.');
    var path = '';
    var target = kumo;
    for (var i = 0; i < parts.length - 1; i++) {
      path = path ? path + '.' + parts[i] : parts[i];
      if (!modules[path]) {
        modules[path] = {};
        order.push(path);
        target[parts[i]] = modules[path];
      }
      target = modules[path];
    }
    var key = parts[parts.length - 1];
    if (!(key in target)) {
      target[key] = names[name] === 'VALUE' ? revive(call(name, [])) : libraryFunction(name);
    }
  }

  // kumo.sources.setup(files): the data helper of policy-extras.sources, for JavaScript.
  var configured = false;
  modules.sources.setup = function (files) {
    if (configured) {
      throw new ErrorType('sources module has already been configured');
    }
    configured = true;
    var load = modules.sources.load;
    kumo.on('get_egress_source', function (name) {
      var params = load(files).sources[name];
      if (params === undefined) {
        throw new ErrorType("source '" + name + "' is not defined in the sources files");
      }
      return kumo.make_egress_source(params);
    });
    kumo.on('get_egress_pool', function (name) {
      var params = load(files).pools[name];
      if (params === undefined) {
        throw new ErrorType("pool '" + name + "' is not defined in the sources files");
      }
      return kumo.make_egress_pool(params);
    });
  };

  for (var m = order.length - 1; m >= 0; m--) {
    refuseUnknown(modules[order[m]], 'kumo.' + order[m]);
    freeze(modules[order[m]]);
  }
  refuseUnknown(kumo, 'kumo');
});
