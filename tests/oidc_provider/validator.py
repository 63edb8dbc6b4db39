from oauth2_provider.oauth2_validators import OAuth2Validator

# Test knobs, by the provider-side user name: real tokens, signed by the provider, but with a
# defect the relying party must notice.
WRONG_AUDIENCE = "wrong-audience"
EXPIRED = "expired"
UNVERIFIED = "unverified"


class TestValidator(OAuth2Validator):
    oidc_claim_scope = None  # every claim below, whatever the scopes

    def get_additional_claims(self, request):
        user = request.user
        return {"email": user.email, "email_verified": not user.username.startswith(UNVERIFIED)}

    def get_id_token_dictionary(self, token, token_handler, request):
        claims, expiration = super().get_id_token_dictionary(token, token_handler, request)
        if request.user.username.startswith(EXPIRED):
            claims["exp"] = claims["auth_time"] - 3600
        return claims, expiration

    def finalize_id_token(self, id_token, token, token_handler, request):
        if request.user.username.startswith(WRONG_AUDIENCE):
            id_token["aud"] = "another-application"
        return super().finalize_id_token(id_token, token, token_handler, request)
