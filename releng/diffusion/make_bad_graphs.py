"""Writes two small ONNX graphs that a Stable Diffusion loader must refuse, for DiffusionModelTest:
a text encoder whose input_ids are float32 (wrong type) and one that takes 64 tokens, not CLIP's 77.

Run with a Python that has onnx: /usr/bin/python3 releng/diffusion/make_bad_graphs.py
"""
import os
import sys

import onnx
from onnx import TensorProto, helper


def encoder(input_type, tokens, path):
    ids = helper.make_tensor_value_info("input_ids", input_type, ["batch", tokens])
    hidden = helper.make_tensor_value_info("last_hidden_state", TensorProto.FLOAT, ["batch", tokens, 32])
    # any graph with the right outputs will do: a constant broadcast to the output's shape
    shape = helper.make_node("Shape", ["input_ids"], ["s"])
    widths = helper.make_tensor("w", TensorProto.INT64, [1], [32])
    concat = helper.make_node("Concat", ["s", "w"], ["out_shape"], axis=0)
    fill = helper.make_node("ConstantOfShape", ["out_shape"], ["last_hidden_state"],
                            value=helper.make_tensor("v", TensorProto.FLOAT, [1], [0.0]))
    graph = helper.make_graph([shape, concat, fill], "bad_text_encoder", [ids], [hidden], initializer=[widths])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 14)], producer_name="atelier make_bad_graphs.py")
    model.ir_version = 7
    onnx.checker.check_model(model)
    onnx.save(model, path)


out = sys.argv[1] if len(sys.argv) > 1 else "bundles/dev.atelier.diffusion.tests/data/bad-graphs"
os.makedirs(out, exist_ok=True)
encoder(TensorProto.FLOAT, 77, os.path.join(out, "text-encoder-float-ids.onnx"))
encoder(TensorProto.INT64, 64, os.path.join(out, "text-encoder-64-tokens.onnx"))
print("wrote", out)
