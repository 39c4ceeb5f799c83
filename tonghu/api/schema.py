"""The OpenAPI schema says every answer an operation can give (issue 10 §8: the fuzz found undocumented ones):
401 and 403 everywhere (token refused; role without the capability, or two-factor login not done), 404 on object
operations and lists (out of scope, or a page past the end), 400 on writes and filtered lists, 409 on updates (a
conflicting edit: send the ``version`` you read), 429 where a throttle applies. A serializer's
``required_on_update`` fields stay required in the PATCH body."""

from drf_spectacular.openapi import AutoSchema

DETAIL = {"type": "object", "properties": {"detail": {"type": "string"}}, "required": ["detail"]}
FIELD_ERRORS = {"type": "object", "additionalProperties": {}, "description": "按字段列出的错误信息（中文），非字段错误在 non_field_errors"}
CONFLICT = {"type": "object", "properties": {
    "non_field_errors": {"type": "array", "items": {"type": "string"}},
    "current_version": {"type": "integer"},
    "changes": {"type": "array", "items": {"type": "object", "additionalProperties": {}}},
}, "additionalProperties": {}, "description": "他人在您读取之后保存了修改：当前版本号和他人的修改"}


RESTRICTED = {"type": "string", "description": "角色无权查看该敏感信息时为“受限信息”"}


class TonghuAutoSchema(AutoSchema):
    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        has_object = "{" in self.path
        is_list = self.method == "GET" and not has_object and self._is_list_view()

        def add(code, schema, description):
            responses.setdefault(code, {"description": description, "content": {"application/json": {"schema": schema}}})

        add("401", DETAIL, "未登录或接口令牌无效、已过期、已撤销")
        add("403", DETAIL, "角色无此权限，或须先完成两步验证")
        if has_object or is_list:
            add("404", DETAIL, "对象不存在或不在您的辖区内；或页码超出范围")
        if self.method != "GET" or is_list:
            add("400", FIELD_ERRORS, "请求内容有误")
        if self.method in ("PUT", "PATCH"):
            add("409", CONFLICT, "修改冲突：请带上读取时的 version")
        if getattr(self.view, "throttle_classes", None):
            add("429", DETAIL, "请求过于频繁")
        return responses

    def _map_basic_serializer(self, serializer, direction):
        schema = super()._map_basic_serializer(serializer, direction)
        masked = getattr(serializer, "schema_masked_fields", None)
        if masked is not None and direction == "response":
            for name in masked():
                if name in schema.get("properties", {}):
                    schema["properties"][name] = {"anyOf": [schema["properties"][name], RESTRICTED]}
        always = [f for f in getattr(serializer, "required_on_update", ()) if f in schema.get("properties", {})]
        if always and direction == "request" and self.method in ("PUT", "PATCH"):
            schema["required"] = sorted(set(schema.get("required", [])) | set(always))
        return schema
